import { message, type Message } from '../definition/message';

/**
 * A formula that cannot be compiled. `position` is the 0-based offset into the source (what an
 * editor needs to place a marker); the messages count characters from 1, as people do.
 */
export class FormulaSyntaxError extends Error {
  readonly position: number;
  readonly text: Message;

  constructor(position: number, detail: Message) {
    const text = message(
      `第 ${position + 1} 个字符处语法错误：${detail['zh-CN']}`,
      `Syntax error at character ${position + 1}: ${detail.en}`,
    );
    super(text.en);
    this.name = 'FormulaSyntaxError';
    this.position = position;
    this.text = text;
  }
}
