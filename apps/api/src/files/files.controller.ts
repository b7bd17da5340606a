import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer from 'multer';
import { localeFromAcceptLanguage, type Locale } from '@taizhang/domain';
import { CurrentPrincipal } from '../identity/auth.decorators';
import type { Principal } from '../identity/principal';
import { FilesException } from './files.exception';
import { RowExport } from './row-export.service';
import type { ImportAnswer } from '@taizhang/domain';
import { RowImport } from './row-import.service';
import type { SheetFormat } from './sheet-writers';
import { TableExport } from './table-export.service';
import { ImportGate } from './import-gate';
import { IMPORTS_PER_SERVER, IMPORTS_PER_USER, MAX_FILE_BYTES } from './import-limits';

/** What a refused import's answer suggests as the wait (Retry-After): an import takes seconds. */
const RETRY_AFTER_SECONDS = 5;

type QueryParams = Record<string, string | undefined>;

const NOT_A_MAPPING = {
  'zh-CN': '应为 JSON 对象 { "列字母、列号或表头": "字段键" }',
  en: 'Must be a JSON object { "column letter, number or header": "field key" }',
};

/** ?lang=en, else Accept-Language; zh-CN by default. */
const localeOf = (req: Request, query: QueryParams): Locale =>
  query.lang ? localeFromAcceptLanguage(query.lang) : localeFromAcceptLanguage(req.headers['accept-language']);

function jsonParam(name: string, text: string | undefined): unknown {
  if (text === undefined || text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw name === 'mapping' ? FilesException.badMapping(NOT_A_MAPPING) : FilesException.badJson(name);
  }
}

/** "daily_followup.xlsx" → the ledger key and the format. */
function fileNameOf(file: string): { name: string; format: SheetFormat } {
  const match = /^(.+)\.(xlsx|csv)$/.exec(file);
  if (!match) throw FilesException.unknownFormat(file);
  return { name: match[1], format: match[2] as SheetFormat };
}

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 20 },
}).single('file');

/** The uploaded file's bytes; an oversized upload is read to its end (so the client hears the answer) and refused. */
function receiveFile(req: Request, res: Response): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    upload(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
        req.resume();
        const refuse = () => reject(FilesException.tooLarge(MAX_FILE_BYTES / 1024 / 1024));
        if (req.readableEnded) refuse();
        else req.once('end', refuse).once('error', refuse);
        return;
      }
      if (error) return reject(FilesException.wrongType());
      const file = (req as Request & { file?: Express.Multer.File }).file;
      if (!file) return reject(FilesException.missing());
      resolve(file.buffer);
    });
  });
}

/**
 * A refused upload's body, read and dropped so that the client hears the answer (it is still
 * sending); past the upload limit the answer goes out at once and the rest is dropped as it comes.
 */
function discardUpload(req: Request): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded || req.destroyed) return resolve();
    let bytes = 0;
    const count = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_FILE_BYTES) done();
    };
    const done = () => {
      req.off('data', count);
      resolve();
    };
    req.on('data', count).once('end', done).once('error', done).once('close', done);
    req.resume();
  });
}

/**
 * The contract's file endpoints. Authentication is the global AuthGuard's (cookie or bearer);
 * which units a caller may read or write is RowAccess's, as for `rows` and `saveRows`.
 */
@Controller()
export class FilesController {
  /** One controller per server process: its gate counts the process's imports (import-limits.ts). */
  private readonly imports = new ImportGate(IMPORTS_PER_USER, IMPORTS_PER_SERVER);

  constructor(
    private readonly rowExport: RowExport,
    private readonly rowImport: RowImport,
    private readonly tableExport: TableExport,
  ) {}

  @Get('export/:file')
  async export(
    @CurrentPrincipal() principal: Principal,
    @Param('file') file: string,
    @Query() query: QueryParams,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { name, format } = fileNameOf(file);
    if (query.files && query.files !== 'zip') throw FilesException.badFilesOption(query.files);
    await this.rowExport.send(
      principal,
      {
        ledger: name,
        format,
        unitId: query.unitId || null,
        period: query.period || null,
        from: query.from || null,
        to: query.to || null,
        filter: jsonParam('filter', query.filter),
        locale: localeOf(req, query),
        origin: `${req.protocol}://${req.get('host') ?? 'localhost'}`,
        files: query.files === 'zip' ? 'zip' : null,
      },
      res,
    );
  }

  @Get('export/statistics/:file')
  async exportStatistics(
    @CurrentPrincipal() principal: Principal,
    @Param('file') file: string,
    @Query() query: QueryParams,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { name, format } = fileNameOf(file);
    const list = (text: string | undefined) => (text ? text.split(',').filter(Boolean) : []);
    await this.tableExport.sendStatistics(
      principal,
      {
        ledger: name,
        measures: list(query.measures),
        groupBy: list(query.groupBy),
        from: query.from || null,
        to: query.to || null,
        unitIds: query.unitIds ? list(query.unitIds) : null,
      },
      format,
      localeOf(req, query),
      res,
    );
  }

  @Get('export/board/:file')
  async exportBoard(
    @CurrentPrincipal() principal: Principal,
    @Param('file') file: string,
    @Query() query: QueryParams,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { name, format } = fileNameOf(file);
    await this.tableExport.sendBoard(principal, name, query.period ?? '', format, localeOf(req, query), res);
  }

  @Post('import/:ledger')
  @HttpCode(200)
  async import(
    @CurrentPrincipal() principal: Principal,
    @Param('ledger') ledger: string,
    @Query() query: QueryParams,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportAnswer> {
    const mode = query.mode ?? 'preview';
    if (mode !== 'preview' && mode !== 'commit') throw FilesException.badMode(mode);
    const mapping = jsonParam('mapping', query.mapping);
    if (
      mapping !== null &&
      (typeof mapping !== 'object' ||
        Array.isArray(mapping) ||
        Object.values(mapping).some((v) => typeof v !== 'string'))
    )
      throw FilesException.badMapping(NOT_A_MAPPING);
    let leave: () => void;
    try {
      leave = this.imports.enter(principal.userId);
    } catch (refusal) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      await discardUpload(req);
      throw refusal;
    }
    try {
      const bytes = await receiveFile(req, res);
      return await this.rowImport.run(
        principal,
        {
          ledger,
          unitId: query.unitId || null,
          period: query.period || null,
          mode,
          keepValid: query.keepValid === 'true',
          mapping: mapping as Record<string, string> | null,
          locale: localeOf(req, query),
        },
        bytes,
      );
    } finally {
      leave();
    }
  }
}
