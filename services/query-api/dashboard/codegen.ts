import type { CodegenConfig } from "@graphql-codegen/cli";

// Types come from the API's own SDL: a schema change that breaks a query fails `npm run build`.
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.ts", "src/**/*.tsx", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "./src/gql/": {
      preset: "client",
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { Date: "string", DateTime: "string", JSON: "unknown", Upload: "File" },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};
export default config;
