import { Module } from '@nestjs/common';
import { LedgerDataModule } from '../ledger-data/ledger-data.module';
import { LedgersModule } from '../ledgers/ledgers.module';
import { AttachmentCollector } from './attachment-collector.service';
import { AttachmentPartsService } from './attachment-parts.service';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsService } from './attachments.service';

/** Files on rows: upload, storage and download (docs/attachments.md). */
@Module({
  imports: [LedgersModule, LedgerDataModule],
  controllers: [AttachmentsController],
  providers: [AttachmentsService, AttachmentPartsService, AttachmentCollector],
  exports: [AttachmentsService, AttachmentPartsService, AttachmentCollector],
})
export class AttachmentsModule {}
