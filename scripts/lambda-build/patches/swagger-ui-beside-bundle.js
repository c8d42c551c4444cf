// Swagger UI's static files sit beside the bundle (build-lambda.js copies them), not in
// swagger-ui-dist.
import { sourcePatch } from '../source-patch.js';

export const swaggerUiBesideBundle = sourcePatch({
  name: 'swagger-ui-beside-bundle',
  file: /@nestjs[\\/]swagger[\\/]dist[\\/]swagger-ui[\\/]swagger-ui\.js$/,
  prepend: "import { fileURLToPath as __fileURLToPath } from 'node:url';\n",
  replace: [
    [
      "require('swagger-ui-dist/absolute-path.js')()",
      "__fileURLToPath(new URL('./swagger-ui', import.meta.url))",
    ],
  ],
});
