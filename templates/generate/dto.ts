import { IsOptional, IsString, Length } from 'class-validator';

/** A request body or query: class-validator decorators are checked, failures answer 422 with their locations. */
export class __CLASS__ {
  @IsString() @Length(1, 100) name!: string;
  @IsOptional() @IsString() description?: string;
}
