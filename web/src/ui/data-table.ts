/** One body row of a data table: its test id, an optional status (data-status) and its cells' text. */
export interface DataRow {
  id: string;
  status?: string;
  cells: string[];
}

/**
 * Fills a static `<table>` (with its `<thead>` and one `<tbody>`) with column headers and rows; with
 * `rowHeaders` the first cell of each row is a `<th scope="row">`, which screen readers announce with
 * each value. No rows: one muted row with `empty` across every column.
 */
export function fillTable(table: HTMLTableElement, headers: string[], rows: DataRow[], empty: string, rowHeaders = false): void {
  const head = document.createElement('tr');
  for (const text of headers) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.append(th);
  }
  table.tHead!.replaceChildren(head);
  const body = rows.map((row) => {
    const tr = document.createElement('tr');
    tr.dataset.testid = row.id;
    if (row.status) tr.dataset.status = row.status;
    row.cells.forEach((text, i) => {
      const header = rowHeaders && i === 0;
      const cell = document.createElement(header ? 'th' : 'td');
      if (header) cell.scope = 'row';
      cell.textContent = text;
      tr.append(cell);
    });
    return tr;
  });
  if (body.length === 0) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = headers.length;
    td.className = 'muted';
    td.textContent = empty;
    tr.append(td);
    body.push(tr);
  }
  table.tBodies[0]!.replaceChildren(...body);
}
