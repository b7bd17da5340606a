import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { UnitEntity } from './unit.entity';
import { UnitsResolver } from './units.resolver';
import { UnitsService } from './units.service';

@Module({
  imports: [TypeOrmModule.forFeature([UnitEntity]), IdentityModule],
  providers: [UnitsService, UnitsResolver],
  exports: [UnitsService],
})
export class UnitsModule {}
