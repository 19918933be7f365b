"""A realistic, deterministic demo data set for a Kenyan multi-branch distributor.

Columns carry the sales model's names (time, branch, product, ...), times are Nairobi wall-clock
without offset, amounts are KES. Invoices hold 1-6 lines; about 3 % of lines are returns.
"""

from __future__ import annotations

import csv
import itertools
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

COLUMNS = [
    "time",
    "branch",
    "product",
    "product_line",
    "salesperson",
    "customer",
    "invoice_id",
    "quantity",
    "amount",
    "cost",
]

BRANCHES: dict[str, list[str]] = {
    "Nairobi CBD": ["Wanjiku Kamau", "Otieno Ochieng", "Hassan Ali"],
    "Westlands": ["Njeri Wambui", "Brian Kiprono"],
    "Mombasa": ["Amina Mohamed", "Omar Said", "Fatuma Rashid"],
    "Kisumu": ["Achieng Atieno", "Odhiambo Okoth"],
    "Nakuru": ["Kiprop Kiptoo", "Mercy Chebet"],
    "Eldoret": ["Jepkosgei Cherono", "Kibet Rotich"],
    "Thika": ["Mwangi Njoroge", "Wairimu Nyambura"],
    "Nyeri": ["Kariuki Maina", "Muthoni Gathoni"],
}

# product -> (product line, unit price KES, cost ratio)
PRODUCTS: dict[str, tuple[str, float, float]] = {
    "Ketepa Pride Tea 500g": ("Beverages", 350.0, 0.78),
    "Kericho Gold Tea 250g": ("Beverages", 260.0, 0.74),
    "Coca-Cola 500ml": ("Beverages", 80.0, 0.82),
    "Dasani Water 1L": ("Beverages", 70.0, 0.70),
    "Brookside Milk 500ml": ("Dairy", 65.0, 0.86),
    "KCC Gold Crown Milk 500ml": ("Dairy", 60.0, 0.85),
    "Daima Yoghurt 500ml": ("Dairy", 140.0, 0.72),
    "Jogoo Maize Flour 2kg": ("Flour & Cereals", 180.0, 0.88),
    "Pembe Maize Flour 2kg": ("Flour & Cereals", 175.0, 0.87),
    "Exe Wheat Flour 2kg": ("Flour & Cereals", 210.0, 0.85),
    "Pishori Rice 1kg": ("Flour & Cereals", 230.0, 0.80),
    "Elianto Corn Oil 1L": ("Cooking Oils & Fats", 420.0, 0.83),
    "Kimbo 1kg": ("Cooking Oils & Fats", 380.0, 0.84),
    "Rina Oil 2L": ("Cooking Oils & Fats", 690.0, 0.86),
    "Omo Washing Powder 1kg": ("Household", 290.0, 0.76),
    "Menengai Bar Soap 1kg": ("Household", 230.0, 0.79),
    "Jik Bleach 750ml": ("Household", 150.0, 0.71),
    "Geisha Soap 225g": ("Personal Care", 95.0, 0.73),
    "Colgate Toothpaste 140g": ("Personal Care", 210.0, 0.70),
    "Nice & Lovely Lotion 400ml": ("Personal Care", 330.0, 0.68),
    "Royco Mchuzi Mix 200g": ("Condiments", 120.0, 0.75),
    "Kensalt 1kg": ("Condiments", 45.0, 0.80),
    "Mumias Sugar 2kg": ("Sugar & Sweeteners", 320.0, 0.90),
    "Kabras Sugar 1kg": ("Sugar & Sweeteners", 165.0, 0.89),
}

_NAMES = [
    "Baraka",
    "Neema",
    "Upendo",
    "Tumaini",
    "Jamii",
    "Amani",
    "Harambee",
    "Faraja",
    "Zawadi",
    "Bidii",
    "Imani",
    "Furaha",
    "Riziki",
    "Uhuru",
    "Jirani",
]
_KINDS = ["Shop", "Stores", "Supermarket", "Wholesalers", "Mini Mart", "Traders", "Enterprises"]


@dataclass(frozen=True)
class DemoConfig:
    lines: int = 120_000
    start: date = date(2024, 1, 1)
    end: date = date(2025, 12, 31)
    seed: int = 254  # Kenya's calling code
    return_rate: float = 0.03


def _customers(rng: random.Random) -> dict[str, list[str]]:
    """Each branch has its own regular customers."""
    out: dict[str, list[str]] = {}
    for branch in BRANCHES:
        names = {
            f"{rng.choice(_NAMES)} {rng.choice(_KINDS)} {branch.split()[0]}" for _ in range(70)
        }
        out[branch] = sorted(names)
    return out


def _day_weight(day: date, start: date) -> float:
    growth = 1 + 0.25 * (day - start).days / 365  # the business grows ~25 % a year
    festive = 1.6 if day.month == 12 else (1.2 if day.month in (1, 8) else 1.0)
    weekend = 0.7 if day.weekday() == 6 else 1.0
    return growth * festive * weekend


def generate(path: Path, config: DemoConfig | None = None) -> int:
    """Write the demo CSV; returns the number of lines written."""
    cfg = config or DemoConfig()
    rng = random.Random(cfg.seed)  # noqa: S311 - reproducible demo data, not security
    customers = _customers(rng)
    days = [cfg.start + timedelta(d) for d in range((cfg.end - cfg.start).days + 1)]
    day_cum = list(itertools.accumulate(_day_weight(d, cfg.start) for d in days))
    branches = list(BRANCHES)
    branch_cum = list(itertools.accumulate([3.0, 2.0, 2.5, 1.5, 1.5, 1.0, 1.2, 0.9]))
    products = list(PRODUCTS)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    invoice_no = 100_000
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        while written < cfg.lines:
            invoice_no += 1
            day = rng.choices(days, cum_weights=day_cum)[0]
            branch = rng.choices(branches, cum_weights=branch_cum)[0]
            seller = rng.choice(BRANCHES[branch])
            customer = rng.choice(customers[branch])
            # Wall-clock Nairobi time without offset, as tills export it.
            at = datetime(  # noqa: DTZ001
                day.year,
                day.month,
                day.day,
                rng.randint(8, 19),
                rng.randint(0, 59),
                rng.randint(0, 59),
            )
            is_return = rng.random() < cfg.return_rate
            n_lines = 1 if is_return else rng.randint(1, 6)
            invoice = f"{'CN' if is_return else 'INV'}-{branch[:3].upper()}-{invoice_no}"
            for product in rng.sample(products, n_lines):
                line, price, cost_ratio = PRODUCTS[product]
                quantity = max(1, math.ceil(rng.expovariate(1 / 6)))
                sign = -1 if is_return else 1
                amount = round(sign * quantity * price * rng.uniform(0.95, 1.0), 2)
                cost = round(sign * quantity * price * cost_ratio, 2)
                out.writerow(
                    [
                        at.strftime("%Y-%m-%d %H:%M:%S"),
                        branch,
                        product,
                        line,
                        seller,
                        customer,
                        invoice,
                        sign * quantity,
                        f"{amount:.2f}",
                        f"{cost:.2f}",
                    ]
                )
                written += 1
                if written >= cfg.lines:
                    break
    return written
