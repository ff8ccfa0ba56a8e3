/*
 * The document-reading bundle (web/dist/document-ocr.js): loaded by the agent's page with import()
 * only when a document is read, so tesseract.js never weighs on the call. OCR lines from a capture,
 * then the document's type and fields from them.
 */
export { recognizeLines, stopOcr } from './document/ocr-engine.ts';
export { readDocument } from './document/read-document.ts';
