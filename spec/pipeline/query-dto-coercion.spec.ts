import 'reflect-metadata';
import { IsBoolean, IsInt, IsOptional } from 'class-validator';
import { compileDtoPipe } from '../../lib/pipeline/validate';
import { issuesOf } from '../helpers/errors';


// regression: query DTOs used class-transformer's implicit conversion, so '?active=no' became true and
// '?limit=0x10' became 16; they now use the strict readers of inline parameters.
class Filters {
  @IsOptional() @IsBoolean() active?: boolean;
  @IsOptional() @IsInt() limit?: number;
}

describe('compileDtoPipe', () => {
  const pipe = compileDtoPipe(Filters, 'query');

  it.each(['no', 'yes', 'off'])('rejects %j for a boolean property when it is not true/false/1/0', (text) => {
    expect(issuesOf(() => pipe({ active: text }))).toEqual([expect.objectContaining({ loc: ['query', 'active'], type: 'isBoolean' })]);
  });

  it.each(['', '0x10', ' 1'])('rejects %j for an integer property when it is not a decimal literal', (text) => {
    expect(issuesOf(() => pipe({ limit: text }))).toEqual([expect.objectContaining({ loc: ['query', 'limit'] })]);
  });
});
