/**
 * The part of the SSM client aws-parameters.ts uses, imported by name so that the Lambda bundle
 * keeps only it (a namespace import keeps every command), and loaded only when needed.
 */
export { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
