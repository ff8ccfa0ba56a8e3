import { describe, expect, it } from 'vitest';
import { replaceChildrenIfChanged, setText } from './dom.ts';

/*
 * The call's screens render on every change of the call; writing the same text again makes the
 * browser lay out and paint the page again. These helpers write only what differs.
 */
describe('setText', () => {
  it('writes the text only when it differs', () => {
    let writes = 0;
    let text = 'Connecting';
    const el = {
      get textContent() {
        return text;
      },
      set textContent(value: string) {
        writes++;
        text = value;
      },
    } as unknown as Node;
    setText(el, 'Connecting');
    expect(writes).toBe(0);
    setText(el, 'Connected');
    expect(writes).toBe(1);
    expect(el.textContent).toBe('Connected');
  });
});

describe('replaceChildrenIfChanged', () => {
  class FakeNode {
    constructor(readonly text: string) {}
    isEqualNode(other: FakeNode): boolean {
      return other.text === this.text;
    }
  }
  const fakeParent = (children: FakeNode[]) => ({
    childNodes: children,
    replaced: 0,
    replaceChildren(...nodes: FakeNode[]) {
      this.childNodes = nodes;
      this.replaced++;
    },
  });

  it('keeps the children when they are the same nodes or equal ones', () => {
    const a = new FakeNode('a');
    const parent = fakeParent([a, new FakeNode('b')]);
    replaceChildrenIfChanged(parent as unknown as Element, [a, new FakeNode('b')] as unknown as Node[]);
    expect(parent.replaced).toBe(0);
  });

  it('replaces them when one differs, one is added or one is gone', () => {
    const parent = fakeParent([new FakeNode('a'), new FakeNode('b')]);
    replaceChildrenIfChanged(parent as unknown as Element, [new FakeNode('a'), new FakeNode('c')] as unknown as Node[]);
    expect(parent.replaced).toBe(1);
    replaceChildrenIfChanged(parent as unknown as Element, [new FakeNode('a'), new FakeNode('c'), new FakeNode('d')] as unknown as Node[]);
    expect(parent.replaced).toBe(2);
    replaceChildrenIfChanged(parent as unknown as Element, [] as unknown as Node[]);
    expect(parent.replaced).toBe(3);
    expect(parent.childNodes).toEqual([]);
  });
});
