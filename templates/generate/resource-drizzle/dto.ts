import { IsOptional, IsString, Length } from 'class-validator';

export class Create__ENTITY__ {
  @IsString() @Length(1, 200) name!: string;
}

export class Update__ENTITY__ {
  @IsOptional() @IsString() @Length(1, 200) name?: string;
}

export interface __ENTITY__ {
  id: number;
  name: string;
}
