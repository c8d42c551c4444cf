import { Body, Controller, Delete, HttpCode, Ip, Post, Put } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOAuth2,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiRefusesClientTokens } from '../common/client-tokens.js';
import { CurrentPrincipal, Public } from '../common/decorators.js';
import type { UserPrincipal } from '../common/principal.js';
import { CredentialsRateLimit } from '../common/rate-limit.js';
import { AccountDeletionService } from './account-deletion.service.js';
import { AcceptedResponse } from './dto/accepted.response.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { ConfirmPasswordResetDto } from './dto/confirm-password-reset.dto.js';
import { DeleteAccountDto } from './dto/delete-account.dto.js';
import { RequestPasswordResetDto } from './dto/request-password-reset.dto.js';
import { VerifyEmailDto } from './dto/verify-email.dto.js';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordResetService } from './password-reset.service.js';

const BEARER_REFUSED = 'Missing, invalid, expired or revoked access token.';
const WRONG_PASSWORD =
  'invalid_grant: the password is incorrect (counted as a failed sign-in, with its lockout); or invalid_request: a field is missing or malformed, or the new password breaks the policy (`fields` says which).';
const BAD_TOKEN =
  'invalid_grant: the token is invalid, expired, already used or replaced by a newer one; or invalid_request: a field is missing or malformed (`fields` says which).';

/**
 * The account flows beside registration and GET /user (UsersController): change and reset the
 * password, verify the email, delete the account. Thin: each route hands its body to the flow's
 * service; domain refusals are answered by the accounts API's table (accounts-api-errors.ts).
 * Every route takes a credential (a password or a mailed token) or sends mail, so all are under
 * the credentials rate limit.
 */
@ApiTags('users')
@CredentialsRateLimit()
@Controller('user')
export class AccountsController {
  constructor(
    private readonly passwordChange: PasswordChangeService,
    private readonly emailVerification: EmailVerificationService,
    private readonly passwordReset: PasswordResetService,
    private readonly deletion: AccountDeletionService,
  ) {}

  @Put('password')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOAuth2([], 'oauth2')
  @ApiOperation({
    summary: 'Change the password; every other session of the user ends',
    operationId: 'changePassword',
  })
  @ApiNoContentResponse({ description: 'Changed; the calling session stays, the others ended.' })
  @ApiBadRequestResponse({ description: WRONG_PASSWORD })
  @ApiUnauthorizedResponse({ description: BEARER_REFUSED })
  @ApiRefusesClientTokens()
  async changePassword(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: ChangePasswordDto,
    @Ip() sourceAddress: string | undefined,
  ): Promise<void> {
    await this.passwordChange.change(
      principal,
      { currentPassword: body.current_password, newPassword: body.new_password },
      sourceAddress,
    );
  }

  @Post('email/verify')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Verify the email with the token of the verification mail',
    operationId: 'verifyEmail',
  })
  @ApiNoContentResponse({ description: 'The email is verified; GET /user says so.' })
  @ApiBadRequestResponse({ description: BAD_TOKEN })
  async verifyEmail(@Body() body: VerifyEmailDto): Promise<void> {
    await this.emailVerification.verify(body.token);
  }

  @Post('email/verify/resend')
  @HttpCode(202)
  @ApiBearerAuth('bearer')
  @ApiOAuth2([], 'oauth2')
  @ApiOperation({
    summary: 'Send the verification mail again (its token replaces the earlier one)',
    operationId: 'resendVerificationEmail',
  })
  @ApiAcceptedResponse({ description: 'The mail has been sent.' })
  @ApiUnauthorizedResponse({ description: BEARER_REFUSED })
  @ApiConflictResponse({ description: 'The email is verified already.' })
  @ApiServiceUnavailableResponse({ description: 'The mail could not be sent; try again later.' })
  @ApiRefusesClientTokens()
  async resendVerification(@CurrentPrincipal() principal: UserPrincipal): Promise<void> {
    await this.emailVerification.resend(principal);
  }

  @Post('password/reset')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask for a password-reset mail (the same answer whether or not the account exists)',
    operationId: 'requestPasswordReset',
  })
  @ApiAcceptedResponse({
    type: AcceptedResponse,
    description:
      'Always, in the same time: if an account has the email, a mail with a single-use link is sent (a newer request replaces its token).',
  })
  @ApiBadRequestResponse({ description: 'The email is missing or malformed.' })
  async requestPasswordReset(@Body() body: RequestPasswordResetDto): Promise<AcceptedResponse> {
    await this.passwordReset.request(body.email);
    return {
      status: 'accepted',
      message: 'If an account has this email, a mail with a reset link is on its way.',
    };
  }

  @Post('password/reset/confirm')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Set a new password with the token of the reset mail; every session ends',
    operationId: 'confirmPasswordReset',
  })
  @ApiNoContentResponse({
    description: 'The password is changed, every session has ended and the lockout is cleared.',
  })
  @ApiBadRequestResponse({
    description: `${BAD_TOKEN} Also invalid_request when the new password breaks the policy.`,
  })
  async confirmPasswordReset(@Body() body: ConfirmPasswordResetDto): Promise<void> {
    await this.passwordReset.confirm(body.token, body.new_password);
  }

  @Delete()
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOAuth2([], 'oauth2')
  @ApiOperation({
    summary: 'Delete the account: profile, email claim and every session',
    operationId: 'deleteAccount',
  })
  @ApiNoContentResponse({
    description: 'Deleted; its tokens are refused from now on and the email can register again.',
  })
  @ApiBadRequestResponse({ description: WRONG_PASSWORD })
  @ApiUnauthorizedResponse({ description: BEARER_REFUSED })
  @ApiRefusesClientTokens()
  async deleteAccount(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: DeleteAccountDto,
    @Ip() sourceAddress: string | undefined,
  ): Promise<void> {
    await this.deletion.delete(principal, body.password, sourceAddress);
  }
}
