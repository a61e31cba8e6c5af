import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsDate, IsDateString, IsEmail, IsEnum, IsIn, IsInt,
  IsNumber, IsOptional, IsPositive, IsString, IsUrl, IsUUID, Length, Matches, Max, MaxLength, Min, MinLength, ValidateNested,
} from 'class-validator';
import { ApiProperty, Body, Controller, createApp, Get, Header, Param, Post, Query } from '../../lib';

enum Size { S = 's', M = 'm', L = 'l' }
enum Level { Low = 1, High = 2 }

class Tag {
  @IsString() @MinLength(1) @MaxLength(20) label!: string;
}

/** One property per class-validator constraint the issue lists. */
class Constrained {
  @IsString() text!: string;
  @IsInt() whole!: number;
  @IsNumber() real!: number;
  @IsBoolean() flag!: boolean;
  @IsDate() @Type(() => Date) at!: Date;
  @IsDateString() day!: string;
  @IsEmail() email!: string;
  @IsUUID() id!: string;
  @IsUrl() link!: string;
  @Length(2, 10) code!: string;
  @MinLength(3) @MaxLength(8) nick!: string;
  @IsInt() @Min(1) @Max(5) stars!: number;
  @IsPositive() amount!: number;
  @IsIn(['a', 'b']) letter!: string;
  @IsEnum(Size) size!: Size;
  @IsEnum(Level) level!: Level;
  @Matches(/^[A-Z]{3}$/) currency!: string;
  @IsOptional() @IsString() note?: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(3) @ArrayUnique() @IsInt({ each: true }) picks!: number[];
  @ValidateNested({ each: true }) @Type(() => Tag) @IsArray() tags!: Tag[];
  @ApiProperty({ nullable: true, description: 'May be null' }) @IsOptional() @IsString() maybe?: string | null;
}

@Controller('/c')
class ConstraintsController {
  @Get('/:id')
  inline(
    @Param('id', { minimum: 1 }) id: number,
    @Query('limit', { type: Number, minimum: 1, maximum: 100, default: 20 }) limit: number,
    @Query('name', { minLength: 2, maxLength: 5, pattern: '^[a-z]+$' }) name: string,
    @Query('size', { enum: Size }) size: Size,
    @Query('level', { enum: Level }) level: number,
    @Query('pick', { enum: ['x', 'y'], required: true }) pick: string,
    @Query('ids', { type: [Number], maximum: 9 }) ids: number[],
    @Query('on', { type: Boolean, default: false }) on: boolean,
    @Query('since', { type: Date, minimum: 0 }) since: Date,
    @Query('ci', { pattern: /^ab$/i }) ci: string,
    @Header('X-Count', { type: Number, maximum: 3 }) count: number,
  ) {
    return { id, limit, name, size, level, pick, ids, on, since, ci, count };
  }

  @Post('/')
  create(@Body() body: Constrained) { return body; }
}

const GOLDEN = join(__dirname, 'golden', 'constraints.json');

describe('constraint mapping', () => {
  const app = createApp({ controllers: [ConstraintsController], openapi: { title: 'Constraints', version: '1' } });
  const doc = app.openapi();

  it('matches the golden file for inline parameter constraints and class-validator constraints', () => {
    const actual = {
      parameters: doc.paths['/c/{id}'].get!.parameters,
      schemas: { Constrained: doc.components.schemas!.Constrained, Tag: doc.components.schemas!.Tag },
    };
    // UPDATE_GOLDEN=1 npx jest spec/openapi/constraints.spec.ts rewrites the file after a deliberate change.
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });

  describe('agrees with what the route enforces', () => {
    const ajv = addFormats(new Ajv2020({ strict: false }));
    const params = doc.paths['/c/{id}'].get!.parameters!;
    const schemaOf = (name: string) => params.find((p) => p.name === name)!.schema;
    const base: Record<string, string> = { pick: 'x' };

    /** The documented verdict: the text read as the documented type, then checked by ajv against the schema. */
    function documented(name: string, text: string): boolean {
      const schema = schemaOf(name) as { type?: string; items?: { type?: string } };
      const read = (t: string | undefined, raw: string): unknown => (t === 'number' || t === 'integer' ? (/^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw) : t === 'boolean' ? (raw === 'true' ? true : raw === 'false' ? false : raw) : raw);
      const value = schema.type === 'array' ? [read(schema.items?.type, text)] : read(schema.type, text);
      return ajv.validate(schema, value);
    }

    const cases: [string, string][] = [
      ['limit', '1'], ['limit', '0'], ['limit', '100'], ['limit', '101'], ['limit', 'ten'],
      ['name', 'ab'], ['name', 'a'], ['name', 'abcdef'], ['name', 'AB'],
      ['size', 'm'], ['size', 'xl'], ['level', '2'], ['level', '3'],
      ['pick', 'y'], ['pick', 'z'], ['ids', '9'], ['ids', '10'], ['on', 'true'], ['on', 'maybe'],
    ];
    it.each(cases)('documents %s=%s with the same verdict as the route', async (name, text) => {
      const query = new URLSearchParams({ ...base, [name]: text }).toString();
      const res = await app.inject(`/c/1?${query}`);
      expect([200, 422]).toContain(res.status);
      expect(documented(name, text)).toBe(res.status === 200);
    });

    it('documents a path parameter minimum with the same verdict as the route', async () => {
      expect((await app.inject('/c/0?pick=x')).status).toBe(422);
      expect(ajv.validate(schemaOf('id'), 0)).toBe(false);
      expect((await app.inject('/c/1?pick=x')).status).toBe(200);
      expect(ajv.validate(schemaOf('id'), 1)).toBe(true);
    });
  });

  it('leaves out constraints JSON Schema cannot state as enforced', () => {
    // A date's minimum compares epoch milliseconds, and an /i pattern has no JSON Schema form.
    expect(doc.paths['/c/{id}'].get!.parameters!.find((p) => p.name === 'since')!.schema).toEqual({ type: 'string', format: 'date-time' });
    expect(doc.paths['/c/{id}'].get!.parameters!.find((p) => p.name === 'ci')!.schema).toEqual({ type: 'string' });
  });
});

