// Every question the dashboard asks, checked against the API's SDL by graphql-codegen.
import { graphql } from "./gql";

export const FilterOptionsQuery = graphql(`
  query FilterOptions($datasource: String) {
    filterOptions(datasource: $datasource) {
      branches
      regions
      productLines
      itemGroups
      salespeople
      dataRange { firstDate lastDate rowCount }
    }
    datasources { name dataRange { rowCount } }
  }
`);

export const OverviewQuery = graphql(`
  query Overview($filter: SalesFilterInput, $datasource: String, $granularity: Granularity!) {
    salesOverview(filter: $filter, datasource: $datasource) {
      netSales grossProfit grossMargin transactions averageTransactionValue unitsSold
      uniqueCustomers returnRate lines
      period { dateFrom dateTo }
      previousPeriod { dateFrom dateTo }
      previous {
        netSales grossProfit grossMargin transactions averageTransactionValue unitsSold
        uniqueCustomers returnRate
      }
      growth {
        netSales grossProfit grossMargin transactions averageTransactionValue unitsSold
        uniqueCustomers
      }
    }
    salesTrend(filter: $filter, datasource: $datasource, granularity: $granularity) {
      bucket netSales grossProfit transactions
    }
  }
`);

export const OverviewTopsQuery = graphql(`
  query OverviewTops($filter: SalesFilterInput, $datasource: String) {
    branchPerformance(filter: $filter, datasource: $datasource, limit: 5) {
      key netSales netSalesGrowth grossMargin
    }
    productPerformance(filter: $filter, datasource: $datasource, limit: 5) {
      key netSales unitsSold grossMargin
    }
    salespersonLeaderboard(filter: $filter, datasource: $datasource, limit: 5) {
      rank key netSales transactions
    }
  }
`);

export const SalesQuery = graphql(`
  query Sales(
    $filter: SalesFilterInput
    $datasource: String
    $orderBy: Measure!
    $targets: [SalesTargetInput!]
  ) {
    salespersonLeaderboard(
      filter: $filter
      datasource: $datasource
      orderBy: $orderBy
      targets: $targets
    ) {
      rank key netSales grossProfit grossMargin transactions averageTransactionValue
      uniqueCustomers uniqueBranches target attainment
    }
    salesMatrix(
      rows: SALESPERSON
      columns: PRODUCT_LINE
      filter: $filter
      datasource: $datasource
      measure: $orderBy
      limit: 10000
    ) {
      row column value
    }
  }
`);

export const ProductsQuery = graphql(`
  query Products(
    $filter: SalesFilterInput
    $datasource: String
    $groupBy: ProductGrouping!
    $orderBy: Measure!
    $direction: RankDirection!
    $limit: Int
  ) {
    productPerformance(
      filter: $filter
      datasource: $datasource
      groupBy: $groupBy
      orderBy: $orderBy
      direction: $direction
      limit: $limit
    ) {
      key netSales grossProfit grossMargin unitsSold averagePrice returnRate transactions
    }
  }
`);

export const BranchesQuery = graphql(`
  query Branches($filter: SalesFilterInput, $datasource: String, $orderBy: Measure!) {
    branchPerformance(filter: $filter, datasource: $datasource, orderBy: $orderBy) {
      key netSales previousNetSales netSalesGrowth grossProfit previousGrossProfit
      grossProfitGrowth grossMargin transactions uniqueCustomers
    }
    branchTrend(filter: $filter, datasource: $datasource, granularity: MONTH) {
      branch
      points { bucket netSales grossProfit grossMargin transactions }
    }
  }
`);

export const ProfitabilityQuery = graphql(`
  query Profitability(
    $filter: SalesFilterInput
    $datasource: String
    $dimension: Dimension!
    $orderBy: Measure!
    $direction: RankDirection!
    $granularity: Granularity!
  ) {
    profitability(
      filter: $filter
      datasource: $datasource
      dimension: $dimension
      orderBy: $orderBy
      direction: $direction
      limit: 200
    ) {
      key netSales cost grossProfit grossMargin unitsSold transactions
    }
    salesTrend(filter: $filter, datasource: $datasource, granularity: $granularity) {
      bucket netSales grossProfit grossMargin
    }
  }
`);

export const CustomersQuery = graphql(`
  query Customers($filter: SalesFilterInput, $datasource: String, $orderBy: Measure!) {
    topCustomers(filter: $filter, datasource: $datasource, orderBy: $orderBy, limit: 50) {
      key netSales grossProfit purchases firstPurchase lastPurchase recencyDays
    }
    customerSegments(filter: $filter, datasource: $datasource, limit: 100) {
      referenceDate
      segments { segment customers netSales shareOfCustomers shareOfNetSales }
      customers {
        customer recencyDays frequency monetary recencyScore frequencyScore monetaryScore segment
      }
    }
  }
`);

export const ReturnsQuery = graphql(`
  query Returns($filter: SalesFilterInput, $datasource: String, $dimension: Dimension!) {
    returnsAnalysis(filter: $filter, datasource: $datasource, dimension: $dimension, limit: 100) {
      total { returnsValue unitsReturned returnRate grossRevenue }
      rows { key returnsValue unitsReturned returnRate grossRevenue }
    }
  }
`);

export const DatasourcesQuery = graphql(`
  query Datasources {
    datasources {
      name
      columns { name type role }
      dataRange { firstDate lastDate rowCount last }
    }
  }
`);

export const ExploreQuery = graphql(`
  query Explore($query: ExploreInput!) {
    explore(query: $query) { columns rows }
  }
`);

export const TasksQuery = graphql(`
  query Tasks($state: IngestionState, $limit: Int!) {
    ingestionTasks(state: $state, limit: $limit) {
      taskId datasource state fileName sizeBytes rowsValidated rowsIngested createdAt updatedAt
      error { code message hint }
    }
  }
`);

export const StreamsQuery = graphql(`
  query Streams {
    streams {
      datasource topic state recordsIn valid rejected duplicate loaded lag rate
      lastError { code message }
    }
  }
`);
