import { Controller, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AttachmentRef } from '@taizhang/ledger-core';
import { CurrentPrincipal } from '../identity/auth.decorators';
import type { Principal } from '../identity/principal';
import { AttachmentPartsService, type PartsStatus } from './attachment-parts.service';
import { AttachmentsService, type ServedFile } from './attachments.service';
import type { BlobVariant } from './attachment-store';

/** `filename="…"` for old clients (ASCII only) and `filename*=UTF-8''…` with the real name. */
export function contentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * The contract's attachment routes (docs/attachments.md). Authentication is the global AuthGuard's
 * (session cookie or bearer token, as for /import); which units a caller may write or read is
 * RowAccess's and row-level security's, as for rows.
 */
@Controller()
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly parts: AttachmentPartsService,
  ) {}

  // uploads in parts (attachment-parts.service.ts); before `attachments/:handle…`, which they would look like

  @Post('attachments/parts')
  @HttpCode(201)
  startParts(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, string | undefined>,
  ): Promise<{ uploadId: string; partSize: number; parts: number }> {
    return this.parts.start(principal, query);
  }

  @Get('attachments/parts/:uploadId')
  partsStatus(@CurrentPrincipal() principal: Principal, @Param('uploadId') uploadId: string): Promise<PartsStatus> {
    return this.parts.status(principal, uploadId);
  }

  @Put('attachments/parts/:uploadId/:n')
  @HttpCode(200)
  putPart(
    @CurrentPrincipal() principal: Principal,
    @Param('uploadId') uploadId: string,
    @Param('n') n: string,
    @Req() req: Request,
  ): Promise<{ part: number; size: number }> {
    return this.parts.put(principal, uploadId, n, req);
  }

  @Post('attachments/parts/:uploadId/done')
  @HttpCode(201)
  finishParts(@CurrentPrincipal() principal: Principal, @Param('uploadId') uploadId: string): Promise<AttachmentRef> {
    return this.parts.done(principal, uploadId);
  }

  @Post('attachments')
  @HttpCode(201)
  upload(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, string | undefined>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AttachmentRef> {
    return this.attachments.upload(principal, query, req, res);
  }

  @Get('attachments/:handle')
  async file(
    @CurrentPrincipal() principal: Principal,
    @Param('handle') handle: string,
    @Res() res: Response,
  ): Promise<void> {
    await this.send(res, await this.attachments.open(principal, handle, 'file'), 'file');
  }

  @Get('attachments/:handle/thumbnail')
  async thumbnail(
    @CurrentPrincipal() principal: Principal,
    @Param('handle') handle: string,
    @Res() res: Response,
  ): Promise<void> {
    await this.send(res, await this.attachments.open(principal, handle, 'thumbnail'), 'thumbnail');
  }

  /** Never as a page of our origin: the kind's own type, no sniffing, a sandbox, the name as a download's. */
  private send(res: Response, file: ServedFile, variant: BlobVariant): Promise<void> {
    const inline = variant === 'thumbnail' || file.mime.startsWith('image/') || file.mime === 'application/pdf';
    res.status(200);
    res.setHeader('Content-Type', file.mime);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', 'sandbox');
    res.setHeader('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', file.name));
    res.setHeader('Cache-Control', 'private, max-age=3600');
    if (file.size >= 0) res.setHeader('Content-Length', String(file.size));
    return new Promise((resolve) => {
      file.stream.once('error', () => {
        res.destroy();
        resolve();
      });
      res.once('close', () => {
        file.stream.destroy();
        resolve();
      });
      file.stream.pipe(res);
    });
  }
}
