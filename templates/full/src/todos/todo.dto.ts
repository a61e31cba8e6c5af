import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

export class CreateTodo {
  @IsString() @Length(1, 200) title!: string;
  @IsOptional() @IsBoolean() done?: boolean;
}

export class UpdateTodo {
  @IsOptional() @IsString() @Length(1, 200) title?: string;
  @IsOptional() @IsBoolean() done?: boolean;
}

export interface Todo {
  id: number;
  title: string;
  done: boolean;
  ownerId: number;
}
