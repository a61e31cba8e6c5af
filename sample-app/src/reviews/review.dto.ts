import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** A review of a book, as stored and returned. */
export interface Review {
  id: number;
  bookId: number;
  rating: number;
  text: string;
}

/** The body of `POST /reviews` and `PUT /reviews/:id`. */
export class CreateReview {
  @IsInt()
  @Min(1)
  bookId!: number;

  /** 1 to 5 stars. */
  @IsInt()
  @Min(1)
  @Max(5)
  rating!: number;

  @IsString()
  @Length(1, 2000)
  text!: string;
}

/** The filters of `GET /reviews?bookId=&minRating=`. */
export class ReviewFilter {
  @IsOptional()
  @IsInt()
  bookId?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  minRating?: number;
}
