import { Controller, Get, HttpCode } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../common/decorators.js';
import { ServiceUnavailableError } from '../common/api-error.js';
import { DatabaseHealth } from '../database/database.health.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly database: DatabaseHealth) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Health: the service and its database answer',
    operationId: 'checkHealth',
  })
  @ApiOkResponse({ description: 'The service and DynamoDB answer.' })
  @ApiServiceUnavailableResponse({ description: 'DynamoDB does not answer.' })
  async check(): Promise<{ status: 'ok' }> {
    if (!(await this.database.isReachable())) {
      throw new ServiceUnavailableError('DynamoDB does not answer');
    }
    return { status: 'ok' };
  }
}
