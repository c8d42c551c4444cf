import { Module } from '@nestjs/common';
import { unitOfWorkProvider } from '../database/unit-of-work.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountDeletionService } from './account-deletion.service.js';
import { AccountsController } from './accounts.controller.js';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { Reauthentication } from './reauthentication.js';

/**
 * The account flows that span accounts and sessions (users/ and sessions/ know nothing of each
 * other): change and reset the password, verify the email, delete the account.
 */
@Module({
  imports: [UsersModule, SessionsModule],
  controllers: [AccountsController],
  providers: [
    Reauthentication,
    PasswordChangeService,
    EmailVerificationService,
    PasswordResetService,
    AccountDeletionService,
    unitOfWorkProvider,
  ],
})
export class AccountsModule {}
