import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** An author as stored and returned; `born` is `null` when unknown. */
export interface Author {
  id: number;
  name: string;
  born: number | null;
}

/** The body of `POST /authors` and `PUT /authors/:id`. */
export class CreateAuthor {
  @IsString()
  @Length(1, 100)
  name!: string;

  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(2100)
  born?: number;
}
