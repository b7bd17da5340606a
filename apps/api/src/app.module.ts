import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { databaseOptions } from './app-data-source';
import { ApiTokensModule } from './api-tokens/api-tokens.module';
import { AuditModule } from './audit/audit.module';
import { AppExceptionFilter } from './common/errors/app-exception.filter';
import { formatGraphQLError, localizedErrorsPlugin } from './common/errors/graphql-errors';
import { CompiledExecution } from './common/graphql/compiled-execution';
import { PARSE_OPTIONS, queryCostPlugin, queryValidationRules } from './common/graphql/query-limits';
import type { Clock } from './common/time/clock';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { SettingsModule } from './config/settings.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { FilesModule } from './files/files.module';
import { IdentityModule } from './identity/identity.module';
import type { GraphQLContext } from './identity/principal';
import { LedgersModule } from './ledgers/ledgers.module';
import { isLiveContext, liveConnectionOptions, liveContextOf } from './live/live-connection';
import { LiveModule } from './live/live.module';
import { NoticesModule } from './notices/notices.module';
import { ReportingModule } from './reporting/reporting.module';
import { RowsModule } from './rows/rows.module';
import { PublicAnswersModule } from './public-answers/public-answers.module';
import { SignInModule } from './sign-in/sign-in.module';
import { StatisticsModule } from './statistics/statistics.module';
import { UnitsModule } from './units/units.module';
import { UsersModule } from './users/users.module';
import { ViewsModule } from './views/views.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string, clock?: Clock): DynamicModule {
    const execution = new CompiledExecution();
    return {
      module: AppModule,
      imports: [
        ConfigModule.of(config, clock),
        TypeOrmModule.forRoot(databaseOptions(databaseUrl)),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          // the same parsing and rules on the live socket (live/live-connection.ts)
          parseOptions: PARSE_OPTIONS,
          autoSchemaFile: true,
          sortSchema: true,
          // Production: no introspection, no playground. No stack traces in any mode: a fault's
          // detail is in the log, found by the answer's requestId (common/errors/faults.ts).
          introspection: !config.production,
          includeStacktraceInErrorResponses: false,
          playground: false,
          // No HTTP cache hints are used; Apollo's default cache-control plugin would otherwise
          // wrap every field's resolver (2,500 calls for a page of 500 rows).
          plugins: [
            ApolloServerPluginCacheControlDisabled(),
            localizedErrorsPlugin,
            queryCostPlugin(),
            ...(config.production ? [ApolloServerPluginLandingPageDisabled()] : []),
          ],
          validationRules: queryValidationRules(),
          formatError: formatGraphQLError,
          // over HTTP Apollo's request; on a live connection (graphql-ws) the upgrade's, once per connection
          context: (arg: GraphQLContext | unknown) =>
            isLiveContext(arg)
              ? liveContextOf(arg)
              : { req: (arg as GraphQLContext).req, res: (arg as GraphQLContext).res },
          subscriptions: { 'graphql-ws': liveConnectionOptions(execution.schemaOf) },
          // queries run compiled (graphql-jit); NestJS's typings leave out Apollo's gateway option
          transformSchema: execution.capture,
          ...{ gateway: execution.gateway() },
        }),
        IdentityModule,
        AuditModule,
        UnitsModule,
        SettingsModule,
        UsersModule,
        SignInModule,
        LedgersModule,
        RowsModule,
        ReportingModule,
        StatisticsModule,
        PublicAnswersModule,
        FilesModule,
        AttachmentsModule,
        ViewsModule,
        NoticesModule,
        ApiTokensModule,
        WebhooksModule,
        LiveModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AppExceptionFilter }],
    };
  }
}
