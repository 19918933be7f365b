import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { filtersToSearch, parseFilters, toSalesFilter, type Filters, type SalesFilterVars } from "./filters";
import { navigate, useLocation } from "./location";

export interface FilterChoices {
  branches: string[];
  regions: string[];
  productLines: string[];
  itemGroups: string[];
  salespeople: string[];
  datasources: string[];
  firstDate: string | null;
  lastDate: string | null;
}

export const ChoicesContext = createContext<FilterChoices | null>(null);

export function useChoices(): FilterChoices | null {
  return useContext(ChoicesContext);
}

/** The global filter from the URL, with a setter that writes it back. */
export function useFilters(): {
  filters: Filters;
  sales: SalesFilterVars;
  datasource: string | null;
  setFilters: (next: Filters) => void;
} {
  const { search } = useLocation();
  const filters = parseFilters(search);
  return {
    filters,
    sales: toSalesFilter(filters),
    datasource: filters.datasource,
    setFilters: (next) => navigate(`${location.pathname}${filtersToSearch(next, location.search)}`),
  };
}
