import { Module } from '@nestjs/common';
import { clockProvider } from '../common/clock.js';
import { DynamoDbLoginAttemptsRepository } from './dynamodb-login-attempts.repository.js';
import { DynamoDbUsersRepository } from './dynamodb-users.repository.js';
import { LoginAttemptsRepository } from './login-attempts.repository.js';
import { PasswordHasher } from './password-hasher.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersController],
  providers: [
    UsersService,
    PasswordHasher,
    clockProvider,
    { provide: UsersRepository, useClass: DynamoDbUsersRepository },
    { provide: LoginAttemptsRepository, useClass: DynamoDbLoginAttemptsRepository },
  ],
  exports: [UsersService],
})
export class UsersModule {}
