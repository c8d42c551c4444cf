import { Module, type DynamicModule } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { LoggingModule } from './common/logging.module.js';
import { RateLimitModule } from './common/rate-limit.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { LegacyModule } from './legacy/legacy.module.js';
import { chooseMailTransport } from './mail/mail-options.js';
import { MailModule } from './mail/mail.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        // Before AuthModule: its guard then runs first, so floods of bad tokens are limited too.
        RateLimitModule,
        DatabaseModule,
        MailModule.forRoot({
          transport: chooseMailTransport({
            smtpUrl: config.mail.smtpUrl,
            onLambda: config.onLambda,
          }),
          from: config.mail.from,
          publicUrl: config.mail.publicUrl,
          smtpUrl: config.mail.smtpUrl,
          dataDir: config.dataDir,
          // SES in the deployment's own region, which the IAM statement's identity ARN names too.
          region: config.dynamodb.region,
        }),
        HealthModule,
        UsersModule,
        ClientsModule,
        SessionsModule,
        AuthModule,
        LegacyModule,
        AccountsModule,
      ],
    };
  }
}
