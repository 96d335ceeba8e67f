import * as z from "zod";

// zod 4 compiles a parser with `new Function` the first time an object schema parses, which pays off only for a
// schema that parses many times. The pack parses each policy's config once per Configure request and reads
// deployments without zod, so the compiling only delayed a preview's first verdict. The first Analyze took
// 29–31 ms with it and 14–20 ms without it (six pack starts, twice). zod reads the setting when a schema is
// created, so policies/index.ts imports this module before any module that creates one.
z.config({ jitless: true });
