import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  formatProblem,
  isFieldType,
  specOf,
  type DefinitionProblem,
  type LedgerDefinition,
} from '@taizhang/ledger-core';
import { AppException } from '../common/errors/app-exception';
import { logger } from '../common/http/logger';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.token';
import { LedgerPublisher } from './ledger-publisher.service';

const META_SCHEMA_FILE = 'ledger.schema.json';
const POLL_MS = 1000;

export interface FileProblem {
  file: string;
  path: string;
  message: DefinitionProblem['message'];
}

/**
 * schemas/*.json are ledgers: published at start-up, and again whenever a file changes while the
 * server runs (a watcher, and a one-second poll for file systems whose events get lost). A broken
 * file is reported (log and `ledgerFileProblems`) and publishes nothing; the ledger stays as it was.
 */
@Injectable()
export class SchemaFiles implements OnModuleDestroy {
  private readonly problems = new Map<string, FileProblem[]>();
  private readonly seen = new Map<string, string>();
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly publisher: LedgerPublisher,
  ) {}

  get directory(): string {
    return this.config.schemasDir;
  }

  /** Publishes every file now, then follows changes. */
  async start(): Promise<void> {
    await this.sync();
    // ledgers published before their daily sums existed (or through the API) get them now
    const made = await this.publisher.keepAllSums();
    if (made > 0) logger.info({ ledgers: made }, 'daily sums and searches made');
    if (!fs.existsSync(this.directory)) return;
    try {
      this.watcher = fs.watch(this.directory, () => this.schedule());
      this.watcher.on('error', () => undefined);
    } catch {
      // the poll below is enough
    }
    this.timer = setInterval(() => this.schedule(), POLL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
  }

  currentProblems(): FileProblem[] {
    return [...this.problems.values()].flat();
  }

  private schedule(): void {
    this.syncing = this.syncing
      .then(() => this.sync())
      .catch((error) => logger.error({ err: error }, 'schema sync failed'));
  }

  /** Reads the folder; publishes the files that changed, referenced ledgers first. */
  async sync(): Promise<void> {
    if (!fs.existsSync(this.directory)) return;
    const names = fs.readdirSync(this.directory).filter((name) => name.endsWith('.json') && name !== META_SCHEMA_FILE);
    const changed: { name: string; checksum: string; definition: unknown }[] = [];
    for (const name of names) {
      let text: string;
      try {
        text = fs.readFileSync(path.join(this.directory, name), 'utf8');
      } catch {
        continue; // being written; the next poll reads it
      }
      const checksum = createHash('sha256').update(text).digest('hex');
      if (this.seen.get(name) === checksum) continue;
      this.seen.set(name, checksum);
      try {
        changed.push({ name, checksum, definition: JSON.parse(text) });
      } catch (error) {
        this.report(name, [jsonSyntaxProblem(text, error)]);
      }
    }
    if (changed.length === 0) return;
    const published = new Set(
      (
        (await this.db.query('SELECT key, file_checksum FROM ledgers')) as {
          key: string;
          file_checksum: string | null;
        }[]
      )
        .filter((row) => row.file_checksum)
        .map((row) => `${row.key}:${row.file_checksum}`),
    );
    for (const file of orderByReferences(changed)) {
      const key = (file.definition as { key?: unknown })?.key;
      if (typeof key === 'string' && published.has(`${key}:${file.checksum}`)) {
        this.problems.delete(file.name);
        continue; // published before, and unchanged since: an API publish since then stands
      }
      try {
        const outcome = await this.publisher.publish(file.definition, {
          source: 'file',
          actorId: null,
          fileChecksum: file.checksum,
        });
        this.problems.delete(file.name);
        if (outcome.changed)
          logger.info(
            { file: file.name, ledger: outcome.key, version: outcome.version, retyped: outcome.retyped },
            'ledger published from file',
          );
      } catch (error) {
        if (error instanceof AppException && error.problems.length > 0) {
          this.report(
            file.name,
            error.problems.map((p) => ({ path: p.path, message: p.message })),
          );
        } else {
          this.report(file.name, [
            {
              path: '/',
              message: { 'zh-CN': `发布失败：${String(error)}`, en: `Publishing failed: ${String(error)}` },
            },
          ]);
          logger.error({ err: error, file: file.name }, 'publishing a ledger file failed');
        }
      }
    }
  }

  private report(file: string, problems: DefinitionProblem[]): void {
    this.problems.set(
      file,
      problems.map((p) => ({ file, ...p })),
    );
    logger.warn(
      { file, problems: problems.map((p) => formatProblem(p, 'en')) },
      'ledger file refused: nothing published',
    );
  }
}

function jsonSyntaxProblem(text: string, error: unknown): DefinitionProblem {
  const detail = error instanceof Error ? error.message : String(error);
  const position = Number(/position (\d+)/.exec(detail)?.[1]);
  const line = Number.isFinite(position) ? text.slice(0, position).split('\n').length : null;
  return {
    path: '/',
    message: {
      'zh-CN': `JSON 语法错误${line ? `（第 ${line} 行）` : ''}：${detail}`,
      en: `JSON syntax error${line ? ` (line ${line})` : ''}: ${detail}`,
    },
  };
}

/** A ledger's referenced ledgers are published before it (a cycle keeps file order). */
function orderByReferences<T extends { definition: unknown }>(files: T[]): T[] {
  const keyOf = (file: T) => (file.definition as Partial<LedgerDefinition>)?.key;
  const byKey = new Map(files.map((f) => [keyOf(f), f]));
  const ordered: T[] = [];
  const visiting = new Set<T>();
  const visit = (file: T) => {
    if (ordered.includes(file) || visiting.has(file)) return;
    visiting.add(file);
    const fields = (file.definition as Partial<LedgerDefinition>)?.fields;
    for (const field of Array.isArray(fields) ? fields : []) {
      // a file is read before it is checked: ask the type only of a field that names a known one
      const ledger =
        field && typeof field === 'object' && isFieldType(field.type)
          ? specOf(field).target?.(field)?.ledger
          : undefined;
      const target = ledger ? byKey.get(ledger) : undefined;
      if (target && target !== file) visit(target);
    }
    ordered.push(file);
  };
  files.forEach(visit);
  return ordered;
}
