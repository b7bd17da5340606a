import { TextDecoder } from 'node:util';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { AppException } from '../common/errors/app-exception';
import { FilesException } from './files.exception';
import { MAX_XML_TOKEN_CHARS, type Slicer } from './import-limits';
import type { ZipParts } from './zip-parts';

/** What a reader of one XML part does with its elements; names come without their namespace prefix. */
export interface XmlHandlers {
  open(name: string, attributes: Record<string, string>): void;
  close(name: string): void;
  /** Text and CDATA inside elements; leave it out to skip all text. */
  text?(text: string): void;
}

/** The name without its prefix: `x:c` and `c` alike (some tools prefix SpreadsheetML's elements). */
export const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/**
 * Reads one XML part of the zip as events, a chunk at a time: what a handler throws (a limit
 * crossed) stops the reading there. A part that is not well-formed XML, or has a million
 * characters between two tags (no cell holds more than 32,767), is a damaged file.
 */
export async function readXml(zip: ZipParts, part: string, handlers: XmlHandlers, slicer: Slicer): Promise<void> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  let lastTag = 0;
  parser.on('opentag', (tag: SaxesTagPlain) => {
    lastTag = parser.position;
    handlers.open(localName(tag.name), tag.attributes);
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    lastTag = parser.position;
    handlers.close(localName(tag.name));
  });
  if (handlers.text) {
    parser.on('text', handlers.text);
    parser.on('cdata', handlers.text);
  }
  let decoder: TextDecoder | null = null;
  try {
    for await (const chunk of zip.read(part)) {
      decoder ??= new TextDecoder(encodingOf(chunk));
      parser.write(decoder.decode(chunk, { stream: true }));
      if (parser.position - lastTag > MAX_XML_TOKEN_CHARS) throw FilesException.unreadable();
      await slicer.maybeYield();
    }
    parser.write((decoder ?? new TextDecoder()).decode());
    parser.close();
  } catch (error) {
    // saxes's own errors are about the XML: a damaged file
    throw error instanceof AppException ? error : FilesException.unreadable();
  }
}

/** UTF-8 unless a UTF-16 byte-order mark says otherwise (XML allows no other encoding without a declaration). */
function encodingOf(first: Buffer): string {
  if (first[0] === 0xff && first[1] === 0xfe) return 'utf-16le';
  if (first[0] === 0xfe && first[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}
