/**
 * Line numbers for paths in a parsed YAML (or JSON) document. A problem is reported at
 * the deepest node of its path that exists in the file: a bad value at its own line, a
 * missing required field at the line of the object that lacks it.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { PathSegment } from './paths.js';

export interface Located {
  line: number;
  column: number;
  /** The source text of the value when the whole path was found and is a scalar. */
  source?: string;
}

function startOf(node: unknown): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? range[0] : undefined;
}

export function locate(doc: Document, path: readonly PathSegment[], lines: LineCounter, text: string): Located {
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  let complete = true;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (pair === undefined) {
        complete = false;
        break;
      }
      offset = startOf(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg];
      offset = startOf(node) ?? offset;
    } else {
      complete = false;
      break;
    }
  }
  let source: string | undefined;
  if (complete && isScalar(node) && node.range) {
    offset = node.range[0];
    source = text.slice(node.range[0], node.range[1]);
  }
  const pos = lines.linePos(offset);
  return source === undefined ? { line: pos.line, column: pos.col } : { line: pos.line, column: pos.col, source };
}
