// `tundra:tags` (optional): extra freeform tags on every taggable resource.
import { tagMap } from "./fields";

export const tagsSchema = tagMap.default({});
