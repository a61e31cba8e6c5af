import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** A book as stored and returned. */
export interface Book {
  id: number;
  title: string;
  author: string;
  year: number;
}

/** The body of `POST /books` and `PUT /books/:id`. Anything not declared here is dropped. */
export class CreateBook {
  @IsString()
  @Length(1, 200)
  title!: string;

  @IsString()
  @Length(1, 100)
  author!: string;

  @IsInt()
  @Min(1450)
  @Max(2100)
  year!: number;
}

/**
 * The filters of `GET /books?author=&year=`. Query values arrive as text; Rivet converts them to the
 * declared types (`year=1969` becomes the number 1969) before validating.
 */
export class BookFilter {
  /** Part of the author's name, any case. */
  @IsOptional()
  @IsString()
  @Length(1, 100)
  author?: string;

  @IsOptional()
  @IsInt()
  year?: number;
}
