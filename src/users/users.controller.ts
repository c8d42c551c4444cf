import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RegisterUserDto } from './dto/register-user.dto.js';
import { UserResponse } from './dto/user.response.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('user')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: UserResponse, description: 'The account was created.' })
  @ApiBadRequestResponse({ description: 'Invalid email or password; `fields` says which.' })
  @ApiConflictResponse({ description: 'An account with this email already exists.' })
  register(@Body() body: RegisterUserDto): Promise<UserResponse> {
    return this.users.register(body.email, body.password);
  }
}
