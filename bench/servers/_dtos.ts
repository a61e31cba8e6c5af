// The workload's DTOs as class-validator / class-transformer classes, the same for Rivet and NestJS (both validate
// bodies with these decorators). Constraints mirror bench/routes.js and servers/_fastify-schemas.js.
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEmail, IsInt, IsNumber, IsObject, IsOptional, IsString, Length, Matches, Max, Min,
  ValidateNested,
} from 'class-validator';

export class CreateUser {
  @IsString() @Length(1, 50) name!: string;
  @IsEmail() email!: string;
  @IsInt() @Min(0) @Max(150) age!: number;
}

export class Address {
  @IsString() @Length(1, 100) street!: string;
  @IsString() @Length(1, 50) city!: string;
  @Matches(/^\d{5}$/) zip!: string;
}

export class Customer {
  @IsString() @Length(1, 50) name!: string;
  @IsEmail() email!: string;
  @IsObject() @ValidateNested() @Type(() => Address) address!: Address;
}

export class OrderLine {
  @Matches(/^[A-Z]{3}-\d{3}$/) sku!: string;
  @IsInt() @Min(1) @Max(100) quantity!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) price!: number;
}

export class CreateOrder {
  @IsObject() @ValidateNested() @Type(() => Customer) customer!: Customer;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => OrderLine) lines!: OrderLine[];
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) tags?: string[];
}

/**
 * A category and its parent: a self-referencing DTO. With ShopOrder below it is the body of
 * POST /shops/:shop/orders, the route the hostile-bodies stage (bench/lib/hostile.js) sends its bodies to.
 */
export class Category {
  @IsString() @Length(1, 50) name!: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => Category) parent?: Category;
}

/** The nested order (CreateOrder) with an optional category chain of any depth. */
export class ShopOrder extends CreateOrder {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => Category) category?: Category;
}

/** The GET answers, declared as response types like the Fastify server's response schemas. */
export class Hello {
  @IsString() hello!: string;
}

export class ItemFields {
  @IsInt() id!: number;
  @IsOptional() @IsString() fields?: string;
}

/** The 201 answers, `{ id, ...body }`: declared response types, as Fastify's routes declare response schemas. */
export class CreatedUser extends CreateUser {
  @IsInt() id!: number;
}

export class CreatedOrder extends CreateOrder {
  @IsInt() id!: number;
}

/** One element of the 1000-item list: the declared response type. */
export class ItemDto {
  @IsInt() id!: number;
  @IsString() name!: string;
  @IsNumber() price!: number;
  @IsBoolean() inStock!: boolean;
  @IsArray() @IsString({ each: true }) tags!: string[];
}
