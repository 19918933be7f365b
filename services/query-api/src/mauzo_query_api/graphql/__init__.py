"""The GraphQL API: schema, its types and inputs, resolvers, and how errors are shaped."""
