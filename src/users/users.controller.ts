import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOAuth2,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiRefusesClientTokens } from '../common/client-tokens.js';
import { CurrentPrincipal, Public } from '../common/decorators.js';
import type { UserPrincipal } from '../common/principal.js';
import { RegisterUserDto } from './dto/register-user.dto.js';
import { CurrentUserResponse, UserResponse } from './dto/user.response.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('user')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Public()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register: create an account', operationId: 'registerUser' })
  @ApiCreatedResponse({ type: UserResponse, description: 'The account was created.' })
  @ApiBadRequestResponse({ description: 'Invalid email or password; `fields` says which.' })
  @ApiConflictResponse({ description: 'An account with this email already exists.' })
  register(@Body() body: RegisterUserDto): Promise<UserResponse> {
    return this.users.register(body.email, body.password);
  }

  @Get()
  @ApiBearerAuth('bearer')
  @ApiOAuth2([], 'oauth2')
  @ApiOperation({ summary: 'The account of the access token', operationId: 'getCurrentUser' })
  @ApiOkResponse({ type: CurrentUserResponse, description: 'The account of the bearer token.' })
  @ApiUnauthorizedResponse({ description: 'Missing, invalid, expired or revoked access token.' })
  @ApiRefusesClientTokens()
  async me(@CurrentPrincipal() principal: UserPrincipal): Promise<CurrentUserResponse> {
    const user = await this.users.profileOf(principal.userId, principal.profile);
    return { id: user.id, email: user.email, email_verified: user.emailVerified };
  }
}
