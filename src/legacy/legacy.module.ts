import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { clockProvider } from '../common/clock.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { LegacyClientResolver } from './legacy-client.js';
import { LegacyClientGuard } from './legacy-client.guard.js';
import { LegacySessionController } from './legacy-session.controller.js';
import { LegacySessionService } from './legacy-session.service.js';
import { RegistrationClientMiddleware } from './registration-client.middleware.js';

/**
 * The original /user and /session API as thin controllers over the services the OAuth endpoints
 * use. /user itself is UsersController's; this module only adds the client-header check to it.
 */
@Module({
  imports: [AuthModule, ClientsModule, SessionsModule, UsersModule],
  controllers: [LegacySessionController],
  providers: [LegacyClientResolver, LegacyClientGuard, LegacySessionService, clockProvider],
})
export class LegacyModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(RegistrationClientMiddleware)
      .forRoutes({ path: 'user', method: RequestMethod.POST });
  }
}
