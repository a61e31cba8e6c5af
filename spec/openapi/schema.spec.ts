import 'reflect-metadata';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Exclude, Expose, plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayNotEmpty, ArrayUnique, Equals, IsArray, IsBoolean, IsDate, IsDateString,
  IsDefined, IsEmail, IsEmpty, IsEnum, IsHexColor, IsIn, IsInt, IsIP, IsISO8601, IsLatitude, IsNegative,
  IsNotEmpty, IsNumber, IsObject, IsOptional, IsPort, IsPositive, IsString, IsUrl, IsUUID, Length, Matches,
  Max, MaxLength, Min, MinLength, registerDecorator, ValidateNested, validateSync,
} from 'class-validator';
import { ApiProperty, type JsonSchema, SchemaRegistry } from '../../lib/openapi/schema';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** A custom constraint with no JSON Schema form: ignored by the mapper, still enforced. */
function IsEven(): PropertyDecorator {
  return (proto, key) => registerDecorator({
    name: 'isEven', target: proto.constructor, propertyName: key as string,
    validator: { validate: (v: unknown) => typeof v === 'number' && v % 2 === 0 },
  });
}

enum Color { Red = 'red', Green = 'green' }
enum Level { Low = 1, High = 2 }

class Address {
  @IsString() street!: string;
  @IsOptional() @IsString() city?: string;
}

class Everything {
  @IsString() name!: string;
  @IsInt() count!: number;
  @IsNumber() price!: number;
  @IsBoolean() active!: boolean;
  @IsDate() @Type(() => Date) createdAt!: Date;
  @IsDateString() startsAt!: string;
  @IsISO8601() endsAt!: string;
  @IsEmail() email!: string;
  @IsUUID() id!: string;
  @IsUrl() homepage!: string;
  @Length(2, 20) nickname!: string;
  @MinLength(3) @MaxLength(10) code!: string;
  @IsInt() @Min(1) @Max(5) rating!: number;
  @Min(0) score!: number;
  @IsPositive() amount!: number;
  @IsNegative() delta!: number;
  @IsIn(['a', 'b']) letter!: string;
  @IsEnum(Color) color!: Color;
  @IsEnum(Level) level!: Level;
  @Matches(/^[a-z-]+$/) slug!: string;
  @Matches(/^x/i) caseless!: string;
  @IsOptional() @IsString() note?: string;
  @IsOptional() @IsString() @ApiProperty({ nullable: true }) coupon?: string | null;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5) @ArrayUnique() @IsString({ each: true }) @MaxLength(10, { each: true })
  tags!: string[];
  @ArrayNotEmpty() @IsInt({ each: true }) ids!: number[];
  @IsDefined() @ValidateNested() @Type(() => Address) address!: Address;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Address) others!: Address[];
  @ValidateNested() @Type(() => Address) billing?: Address;
  @IsNotEmpty() @IsString() title!: string;
  @IsObject() meta!: Record<string, unknown>;
  @Equals('v1') version!: string;
  @IsEmpty() nothing?: string;
  @IsDefined() anything!: unknown;
  @IsPort() port!: string;
  @IsIP('4') ip!: string;
  @IsHexColor() tint!: string;
  @IsEven() even!: number;
  @IsLatitude() lat!: number;
}

const EVERYTHING: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    count: { type: 'integer' },
    price: { type: 'number' },
    active: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    startsAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time' },
    email: { type: 'string', format: 'email' },
    id: { type: 'string', format: 'uuid' },
    homepage: { type: 'string', format: 'uri' },
    nickname: { type: 'string', minLength: 2, maxLength: 20 },
    code: { type: 'string', minLength: 3, maxLength: 10 },
    rating: { type: 'integer', minimum: 1, maximum: 5 },
    score: { type: 'number', minimum: 0 },
    amount: { type: 'number', exclusiveMinimum: 0 },
    delta: { type: 'number', exclusiveMaximum: 0 },
    letter: { type: 'string', enum: ['a', 'b'] },
    color: { type: 'string', enum: ['red', 'green'] },
    level: { type: 'integer', enum: [1, 2] },
    slug: { type: 'string', pattern: '^[a-z-]+$' },
    caseless: { type: 'string' },
    note: { type: ['string', 'null'] },
    coupon: { type: ['string', 'null'] },
    tags: { type: 'array', minItems: 1, maxItems: 5, uniqueItems: true, items: { type: 'string', maxLength: 10 } },
    ids: { type: 'array', minItems: 1, items: { type: 'integer' } },
    address: ref('Address'),
    others: { type: 'array', items: ref('Address') },
    billing: ref('Address'),
    title: { type: 'string', minLength: 1 },
    meta: { type: 'object' },
    version: { type: 'string', const: 'v1' },
    nothing: { enum: ['', null] },
    anything: {},
    port: { type: 'string', pattern: '^(0|[1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])$' },
    ip: { type: 'string', format: 'ipv4' },
    tint: { type: 'string', pattern: '^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$' },
    even: { type: 'number' },
    lat: { type: 'number' },
  },
  required: [
    'name', 'count', 'price', 'active', 'createdAt', 'startsAt', 'endsAt', 'email', 'id', 'homepage', 'nickname',
    'code', 'rating', 'score', 'amount', 'delta', 'letter', 'color', 'level', 'slug', 'caseless', 'tags', 'ids',
    'address', 'others', 'title', 'meta', 'version', 'anything', 'port', 'ip', 'tint', 'even', 'lat',
  ],
};

// @IsOptional() lets null through, so the optional city documents it.
const ADDRESS: JsonSchema = { type: 'object', properties: { street: { type: 'string' }, city: { type: ['string', 'null'] } }, required: ['street'] };

describe('SchemaRegistry: class-validator metadata → JSON Schema', () => {
  it('maps every supported constraint (golden)', () => {
    const registry = new SchemaRegistry();
    expect(registry.refFor(Everything)).toEqual(ref('Everything'));
    expect(registry.components).toEqual({ Everything: EVERYTHING, Address: ADDRESS });
    expect(Object.keys(registry.components)).toEqual(['Everything', 'Address']);
    expect(Object.keys(registry.components.Everything.properties as JsonSchema)).toEqual(Object.keys(EVERYTHING.properties as JsonSchema));
  });

  it('falls back to design:type when no constraint names a type', () => {
    class Fallback {
      @IsNotEmpty() label!: string;
      @IsDefined() flag!: boolean;
      @IsDefined() amount!: number;
      @IsDefined() when!: Date;
      @IsDefined() list!: string[];
      @IsDefined() home!: Address;
      @Equals(3) three!: number;
    }
    const registry = new SchemaRegistry();
    expect(registry.objectSchemaFor(Fallback)).toEqual({
      type: 'object',
      properties: {
        label: { type: 'string', minLength: 1 },
        flag: { type: 'boolean' },
        amount: { type: 'number' },
        when: { type: 'string', format: 'date-time' },
        list: { type: 'array' },
        home: ref('Address'),
        three: { type: 'number', const: 3 },
      },
      required: ['label', 'flag', 'amount', 'when', 'list', 'home', 'three'],
    });
    expect(registry.components).toEqual({ Address: ADDRESS });
  });

  it('registers nested classes and arrays of them once, and survives self-reference', () => {
    class TreeNode {
      @IsString() label!: string;
      @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => TreeNode) children?: TreeNode[];
      @IsOptional() @ValidateNested() @Type(() => TreeNode) parent?: TreeNode;
      @IsDefined() @ValidateNested() @Type(() => Address) where!: Address;
    }
    const registry = new SchemaRegistry();
    expect(registry.refFor(TreeNode)).toEqual(ref('TreeNode'));
    expect(registry.refFor(TreeNode)).toEqual(ref('TreeNode'));
    expect(registry.components).toEqual({
      TreeNode: {
        type: 'object',
        properties: {
          label: { type: 'string' },
          children: { type: ['array', 'null'], items: ref('TreeNode') },
          parent: { oneOf: [ref('TreeNode'), { type: 'null' }] },
          where: ref('Address'),
        },
        required: ['label', 'where'],
      },
      Address: ADDRESS,
    });
  });

  it('gives a second class with the same name a numbered component', () => {
    const first = (() => { class Dto { @IsString() a!: string; } return Dto; })();
    const second = (() => { class Dto { @IsInt() b!: number; } return Dto; })();
    class Holder {
      @IsDefined() @ValidateNested() @Type(() => first) one!: object;
      @IsDefined() @ValidateNested() @Type(() => second) two!: object;
    }
    const registry = new SchemaRegistry();
    registry.refFor(Holder);
    expect(registry.refFor(second)).toEqual(ref('Dto2'));
    expect(registry.refFor(first)).toEqual(ref('Dto'));
    expect(registry.components).toEqual({
      Holder: { type: 'object', properties: { one: ref('Dto'), two: ref('Dto2') }, required: ['one', 'two'] },
      Dto: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
      Dto2: { type: 'object', properties: { b: { type: 'integer' } }, required: ['b'] },
    });
  });

  it('names one component per generic wrapper and item', () => {
    class Book { @IsString() title!: string; }
    class User { @IsEmail() email!: string; }
    const paginated = (item: JsonSchema): JsonSchema => ({
      type: 'object',
      properties: { items: { type: 'array', items: item }, total: { type: 'integer' } },
      required: ['items', 'total'],
    });
    const registry = new SchemaRegistry();
    const build = jest.fn(paginated);
    expect(registry.generic('Paginated', Book, build)).toEqual(ref('PaginatedBook'));
    expect(registry.generic('Paginated', Book, build)).toEqual(ref('PaginatedBook'));
    expect(registry.generic('Paginated', User, paginated)).toEqual(ref('PaginatedUser'));
    expect(registry.generic('Paginated', String, paginated)).toEqual(ref('PaginatedString'));
    expect(build).toHaveBeenCalledTimes(1);
    expect(registry.components).toEqual({
      Book: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
      PaginatedBook: paginated(ref('Book')),
      User: { type: 'object', properties: { email: { type: 'string', format: 'email' } }, required: ['email'] },
      PaginatedUser: paginated(ref('User')),
      PaginatedString: paginated({ type: 'string' }),
    });
  });

  it('includes parent properties in a subclass, with the subclass overriding constraints and docs', () => {
    class Base {
      @IsString() @ApiProperty({ description: 'Identifier', example: 'b1' }) id!: string;
      @IsString() kind!: string;
    }
    class Derived extends Base {
      @IsInt() age!: number;
      @IsIn(['cat', 'dog']) declare kind: string;
      @ApiProperty({ description: 'Override' }) declare id: string;
    }
    const registry = new SchemaRegistry();
    expect(registry.objectSchemaFor(Base)).toEqual({
      type: 'object',
      properties: { id: { type: 'string', description: 'Identifier', examples: ['b1'] }, kind: { type: 'string' } },
      required: ['id', 'kind'],
    });
    expect(registry.objectSchemaFor(Derived)).toEqual({
      type: 'object',
      properties: {
        age: { type: 'integer' },
        kind: { type: 'string', enum: ['cat', 'dog'] },
        id: { type: 'string', description: 'Override', examples: ['b1'] },
      },
      required: ['age', 'kind', 'id'],
    });
  });

  it('applies @ApiProperty annotations, types and nullability without touching validation', () => {
    class Tag { @IsString() name!: string; }
    class Documented {
      @IsString() @ApiProperty({ title: 'Name', description: 'Full name', examples: ['Ada', 'Grace'], deprecated: true })
      name!: string;
      @IsString() @ApiProperty({ format: 'password', writeOnly: true }) secret!: string;
      @IsUUID() @ApiProperty({ readOnly: true, format: 'uuid' }) id!: string;
      @IsArray() @ValidateNested({ each: true }) @ApiProperty({ type: [Tag] }) tags!: Tag[];
      @IsOptional() @ValidateNested() @Type(() => Tag) @ApiProperty({ nullable: true, description: 'Main tag' }) main?: Tag | null;
      @IsOptional() @IsEnum(Color) @ApiProperty({ nullable: true }) color?: Color | null;
      @ApiProperty({ description: 'Docs only' }) hint?: string;
    }
    const registry = new SchemaRegistry();
    registry.refFor(Documented);
    expect(registry.components).toEqual({
      Documented: {
        type: 'object',
        properties: {
          name: { type: 'string', title: 'Name', description: 'Full name', deprecated: true, examples: ['Ada', 'Grace'] },
          secret: { type: 'string', format: 'password', writeOnly: true },
          id: { type: 'string', format: 'uuid', readOnly: true },
          tags: { type: 'array', items: ref('Tag') },
          main: { oneOf: [ref('Tag'), { type: 'null' }], description: 'Main tag' },
          color: { type: ['string', 'null'], enum: ['red', 'green', null] },
          hint: { type: 'string', description: 'Docs only' },
        },
        required: ['name', 'secret', 'id', 'tags'],
      },
      Tag: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    });
  });

  it('follows class-transformer: @Expose renames, @Exclude hides, discriminators become oneOf', () => {
    class Cat { @IsString() meow!: string; }
    class Dog { @IsString() bark!: string; }
    class Pet {}
    class Owner {
      @Expose({ name: 'full_name' }) @IsString() fullName!: string;
      @Exclude() @IsString() internal!: string;
      @IsDefined() @ValidateNested()
      @Type(() => Pet, { discriminator: { property: 'type', subTypes: [{ name: 'cat', value: Cat }, { name: 'dog', value: Dog }] } })
      pet!: Cat | Dog;
    }
    const registry = new SchemaRegistry();
    expect(registry.objectSchemaFor(Owner)).toEqual({
      type: 'object',
      properties: {
        full_name: { type: 'string' },
        pet: {
          oneOf: [ref('Cat'), ref('Dog')],
          discriminator: { propertyName: 'type', mapping: { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog' } },
        },
      },
      required: ['full_name', 'pet'],
    });
    expect(Object.keys(registry.components)).toEqual(['Cat', 'Dog']);
  });

  it('never emits nullable: true', () => {
    const registry = new SchemaRegistry();
    registry.refFor(Everything);
    registry.refFor(Order);
    expect(JSON.stringify(registry.components)).not.toContain('nullable');
  });
});

class Line {
  @IsString() @Length(1, 8) sku!: string;
  @IsInt() @Min(1) @Max(99) qty!: number;
}

class Order {
  @IsUUID() id!: string;
  @IsEmail() email!: string;
  @IsString() @IsNotEmpty() @MaxLength(20) name!: string;
  @IsInt() @Min(0) @Max(120) age!: number;
  @IsNumber() @IsPositive() total!: number;
  @IsBoolean() paid!: boolean;
  @IsIn(['new', 'paid', 'shipped']) status!: string;
  @IsEnum(Level) level!: Level;
  @Matches(/^[A-Z]{3}$/) currency!: string;
  @IsOptional() @IsString() note?: string;
  @IsOptional() @IsString() @ApiProperty({ nullable: true }) coupon?: string | null;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(3) @ArrayUnique() @IsString({ each: true }) tags!: string[];
  @IsDefined() @ValidateNested() @Type(() => Line) first!: Line;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Line) lines!: Line[];
  @IsDateString() placedAt!: string;
}

describe('differential: ajv on the schema agrees with class-validator', () => {
  const registry = new SchemaRegistry();
  registry.refFor(Order);
  const $defs = JSON.parse(JSON.stringify(registry.components).replaceAll('#/components/schemas/', '#/$defs/')) as JsonSchema;
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const check = ajv.compile({ $defs, $ref: '#/$defs/Order' });

  const valid = (): Record<string, unknown> => ({
    id: '9b2e4c1a-5d3f-4a6b-8c7d-1e2f3a4b5c6d', email: 'ada@example.com', name: 'Ada', age: 36, total: 9.5,
    paid: false, status: 'new', level: 2, currency: 'EUR', tags: ['a'], first: { sku: 'A1', qty: 1 },
    lines: [{ sku: 'B2', qty: 99 }], placedAt: '2024-05-01T10:00:00Z',
  });

  // Values where class-validator is knowingly looser than the schema are left out: enum key names ('High'), dates
  // without a time part.
  const cases: [string, (o: Record<string, unknown>) => void, boolean][] = [
    ['the base object', () => {}, true],
    ['optional note omitted and coupon set', (o) => { o.coupon = 'X'; }, true],
    ['note given', (o) => { o.note = 'leave at door'; }, true],
    ['coupon null (nullable)', (o) => { o.coupon = null; }, true],
    ['note null (@IsOptional lets null through)', (o) => { o.note = null; }, true],
    ['unknown property (stripped, not rejected)', (o) => { o.extra = 1; }, true],
    ['three unique tags', (o) => { o.tags = ['a', 'b', 'c']; }, true],
    ['empty lines array', (o) => { o.lines = []; }, true],
    ['bounds inclusive', (o) => { o.age = 120; o.name = 'x'.repeat(20); }, true],
    ['missing id', (o) => { delete o.id; }, false],
    ['bad uuid', (o) => { o.id = 'not-a-uuid'; }, false],
    ['bad email', (o) => { o.email = 'ada-at-example'; }, false],
    ['empty name', (o) => { o.name = ''; }, false],
    ['name too long', (o) => { o.name = 'x'.repeat(21); }, false],
    ['age not integer', (o) => { o.age = 1.5; }, false],
    ['age below minimum', (o) => { o.age = -1; }, false],
    ['age above maximum', (o) => { o.age = 121; }, false],
    ['age as string', (o) => { o.age = '36'; }, false],
    ['total zero', (o) => { o.total = 0; }, false],
    ['paid as string', (o) => { o.paid = 'false'; }, false],
    ['status outside IsIn', (o) => { o.status = 'lost'; }, false],
    ['level outside enum', (o) => { o.level = 3; }, false],
    ['currency lowercase', (o) => { o.currency = 'eur'; }, false],
    ['note not a string', (o) => { o.note = 5; }, false],
    ['tags empty', (o) => { o.tags = []; }, false],
    ['too many tags', (o) => { o.tags = ['a', 'b', 'c', 'd']; }, false],
    ['duplicate tags', (o) => { o.tags = ['a', 'a']; }, false],
    ['tag not a string', (o) => { o.tags = ['a', 1]; }, false],
    ['first missing', (o) => { delete o.first; }, false],
    ['first not an object', (o) => { o.first = 'A1'; }, false],
    ['nested sku too long', (o) => { o.first = { sku: '123456789', qty: 1 }; }, false],
    ['nested qty missing', (o) => { o.lines = [{ sku: 'B2' }]; }, false],
    ['lines element null', (o) => { o.lines = [null]; }, false],
    ['lines not an array', (o) => { o.lines = { sku: 'B2', qty: 1 }; }, false],
    ['placedAt not a date', (o) => { o.placedAt = 'yesterday'; }, false],
  ];

  it.each(cases)('%s', (_label, mutate, expected) => {
    const input = valid();
    mutate(input);
    const viaAjv = check(JSON.parse(JSON.stringify(input)));
    const errors = validateSync(plainToInstance(Order, JSON.parse(JSON.stringify(input)) as object), { whitelist: true });
    expect({ ajv: viaAjv, classValidator: errors.length === 0 }).toEqual({ ajv: expected, classValidator: expected });
  });
});

describe('SchemaRegistry: nulls and defaults', () => {
  it('documents null for @IsOptional() unless @ApiProperty({ nullable: false }) excludes it', () => {
    class Draft {
      @IsOptional() @IsString() subtitle?: string | null;
      @IsOptional() @IsString() @ApiProperty({ nullable: false }) slug?: string;
    }
    expect(new SchemaRegistry().objectSchemaFor(Draft)).toEqual({
      type: 'object',
      properties: { subtitle: { type: ['string', 'null'] }, slug: { type: 'string' } },
    });
  });

  it('documents property initializers as defaults, and a property with one as not required', () => {
    class Page {
      @IsInt() @Min(1) @Max(100) limit = 20;
      @IsInt() @Min(0) offset = 0;
      @IsIn(['asc', 'desc']) order: string = 'asc';
      @IsArray() @IsString({ each: true }) fields: string[] = ['id', 'title'];
      @IsString() q!: string;
      @IsOptional() @IsDate() since: Date = new Date(0);
    }
    expect(new SchemaRegistry().objectSchemaFor(Page)).toEqual({
      type: 'object',
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
        offset: { type: 'integer', minimum: 0, default: 0 },
        order: { enum: ['asc', 'desc'], type: 'string', default: 'asc' },
        fields: { type: 'array', items: { type: 'string' }, default: ['id', 'title'] },
        q: { type: 'string' },
        // A Date is not JSON data: no default.
        since: { type: ['string', 'null'], format: 'date-time' },
      },
      required: ['q'],
    });
  });

  it('documents no default for a value that differs from one construction to the next', () => {
    let next = 0;
    class Ticket {
      @IsString() id: string = `t-${++next}`;
      @IsInt() seats = 1;
    }
    expect(new SchemaRegistry().objectSchemaFor(Ticket)).toEqual({
      type: 'object', properties: { id: { type: 'string' }, seats: { type: 'integer', default: 1 } }, required: ['id'],
    });
  });

  it('documents no defaults for a DTO whose constructor needs arguments', () => {
    class Needs {
      @IsInt() n = 1;
      constructor(private readonly config: { base: number }) { this.n = config.base; }
    }
    expect(new SchemaRegistry().objectSchemaFor(Needs)).toEqual({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] });
  });
});
