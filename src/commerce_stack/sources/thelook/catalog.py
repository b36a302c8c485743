"""The fixed facts of thelook_ecommerce the generator draws from (docs/thelook.md §2, §3): its
enumerations, its ten distribution centres, and the weights the public generator's rules give."""

from __future__ import annotations

SCHEMA = "raw_thelook"
DEFAULT_SCALE = 0.003  # of the public set's size: ~300 orders and ~6,500 events in the history
TABLES = (
    "distribution_centers",
    "products",
    "users",
    "orders",
    "order_items",
    "inventory_items",
    "events",
)

# The public set's columns and types, in its order (INTEGER -> BIGINT, FLOAT -> DOUBLE,
# TIMESTAMP -> an instant, GEOGRAPHY -> WKT text).
DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.distribution_centers (
  id BIGINT, name VARCHAR, latitude DOUBLE, longitude DOUBLE, distribution_center_geom VARCHAR);
CREATE TABLE IF NOT EXISTS {SCHEMA}.products (
  id BIGINT, cost DOUBLE, category VARCHAR, name VARCHAR, brand VARCHAR, retail_price DOUBLE,
  department VARCHAR, sku VARCHAR, distribution_center_id BIGINT);
CREATE TABLE IF NOT EXISTS {SCHEMA}.users (
  id BIGINT, first_name VARCHAR, last_name VARCHAR, email VARCHAR, age BIGINT, gender VARCHAR,
  state VARCHAR, street_address VARCHAR, postal_code VARCHAR, city VARCHAR, country VARCHAR,
  latitude DOUBLE, longitude DOUBLE, traffic_source VARCHAR, created_at TIMESTAMPTZ, user_geom VARCHAR);
CREATE TABLE IF NOT EXISTS {SCHEMA}.orders (
  order_id BIGINT, user_id BIGINT, status VARCHAR, gender VARCHAR, created_at TIMESTAMPTZ,
  returned_at TIMESTAMPTZ, shipped_at TIMESTAMPTZ, delivered_at TIMESTAMPTZ, num_of_item BIGINT);
CREATE TABLE IF NOT EXISTS {SCHEMA}.order_items (
  id BIGINT, order_id BIGINT, user_id BIGINT, product_id BIGINT, inventory_item_id BIGINT,
  status VARCHAR, created_at TIMESTAMPTZ, shipped_at TIMESTAMPTZ, delivered_at TIMESTAMPTZ,
  returned_at TIMESTAMPTZ, sale_price DOUBLE);
CREATE TABLE IF NOT EXISTS {SCHEMA}.inventory_items (
  id BIGINT, product_id BIGINT, created_at TIMESTAMPTZ, sold_at TIMESTAMPTZ, cost DOUBLE,
  product_category VARCHAR, product_name VARCHAR, product_brand VARCHAR, product_retail_price DOUBLE,
  product_department VARCHAR, product_sku VARCHAR, product_distribution_center_id BIGINT);
CREATE TABLE IF NOT EXISTS {SCHEMA}.events (
  id BIGINT, user_id BIGINT, sequence_number BIGINT, session_id VARCHAR, created_at TIMESTAMPTZ,
  ip_address VARCHAR, city VARCHAR, state VARCHAR, postal_code VARCHAR, browser VARCHAR,
  traffic_source VARCHAR, uri VARCHAR, event_type VARCHAR);
"""

DISTRIBUTION_CENTERS = [
    (1, "Memphis TN", 35.1174, -89.9711),
    (2, "Chicago IL", 41.8369, -87.6847),
    (3, "Houston TX", 29.7604, -95.3698),
    (4, "Los Angeles CA", 34.05, -118.25),
    (5, "New Orleans LA", 29.95, -90.0667),
    (6, "Port Authority of New York/New Jersey NY/NJ", 40.634, -73.7834),
    (7, "Philadelphia PA", 39.95, -75.1667),
    (8, "Mobile AL", 30.6944, -88.0431),
    (9, "Charleston SC", 32.7833, -79.9333),
    (10, "Savannah GA", 32.0167, -81.1167),
]

ORDER_STATUSES = ("Processing", "Shipped", "Complete", "Cancelled", "Returned")
# Shares of the final statuses; returns about 10% as analyses of the public set measure.
ORDER_STATUS_WEIGHTS = (0.20, 0.30, 0.25, 0.15, 0.10)
ITEMS_PER_ORDER = (1, 2, 3, 4)
ITEMS_PER_ORDER_WEIGHTS = (0.70, 0.20, 0.05, 0.05)
GENDERS = ("M", "F")
DEPARTMENTS = ("Men", "Women")
USER_TRAFFIC_SOURCES = ("Search", "Organic", "Facebook", "Email", "Display")
USER_TRAFFIC_WEIGHTS = (0.70, 0.15, 0.06, 0.05, 0.04)
EVENT_TRAFFIC_SOURCES = ("Email", "Adwords", "Organic", "YouTube", "Facebook")
EVENT_TRAFFIC_WEIGHTS = (0.45, 0.30, 0.05, 0.10, 0.10)
BROWSERS = ("IE", "Edge", "Chrome", "Safari", "Firefox", "Other")
BROWSER_WEIGHTS = (0.05, 0.10, 0.45, 0.20, 0.15, 0.05)
# Event types by code; a purchase session walks a subset of the first three, then cart, purchase.
EVENT_TYPES = ("home", "department", "product", "cart", "purchase", "cancel")

CATEGORIES = (
    "Accessories",
    "Active",
    "Blazers & Jackets",
    "Clothing Sets",
    "Dresses",
    "Fashion Hoodies & Sweatshirts",
    "Intimates",
    "Jeans",
    "Jumpsuits & Rompers",
    "Leggings",
    "Maternity",
    "Outerwear & Coats",
    "Pants",
    "Pants & Capris",
    "Plus",
    "Shorts",
    "Skirts",
    "Sleep & Lounge",
    "Socks",
    "Socks & Hosiery",
    "Suits",
    "Suits & Sport Coats",
    "Sweaters",
    "Swim",
    "Tops & Tees",
    "Underwear",
)
BRANDS = (
    "Allegra K",
    "Calvin Klein",
    "Carhartt",
    "Columbia",
    "Diesel",
    "Dockers",
    "Hanes",
    "Hurley",
    "Levi's",
    "Nautica",
    "Nike",
    "Quiksilver",
    "Ralph Lauren",
    "Tommy Hilfiger",
    "Volcom",
    "Wrangler",
)
ADJECTIVES = ("Classic", "Slim Fit", "Relaxed", "Essential", "Vintage", "Premium", "Everyday", "Soft")
FIRST_NAMES = {
    "M": ("James", "John", "Robert", "Michael", "David", "Daniel", "Lucas", "Mateo", "Wei", "Jin"),
    "F": ("Mary", "Patricia", "Jennifer", "Linda", "Sarah", "Emma", "Sofia", "Ana", "Mei", "Yuna"),
}
LAST_NAMES = ("Smith", "Johnson", "Williams", "Brown", "Garcia", "Silva", "Kim", "Wang", "Martin", "Muller")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
STREETS = ("Main Street", "Oak Avenue", "Park Road", "Church Lane", "High Street", "Lake Drive")

# Where users live: (country as the public set spells it, state, city, postal code, lat, lon,
# weight); the United States first, Brazil spelled "Brasil".
LOCATIONS = (
    ("United States", "California", "Los Angeles", "90001", 34.05, -118.25, 12),
    ("United States", "Texas", "Houston", "77001", 29.76, -95.37, 8),
    ("United States", "New York", "New York", "10001", 40.71, -74.01, 8),
    ("United States", "Illinois", "Chicago", "60601", 41.88, -87.63, 5),
    ("United States", "Florida", "Miami", "33101", 25.76, -80.19, 4),
    ("China", "Guangdong", "Shenzhen", "518000", 22.54, 114.06, 14),
    ("China", "Shanghai", "Shanghai", "200000", 31.23, 121.47, 10),
    ("Brasil", "São Paulo", "São Paulo", "01000-000", -23.55, -46.63, 9),
    ("Brasil", "Rio de Janeiro", "Rio de Janeiro", "20000-000", -22.91, -43.17, 5),
    ("South Korea", "Seoul", "Seoul", "04524", 37.57, 126.98, 5),
    ("France", "Île-de-France", "Paris", "75001", 48.86, 2.35, 4),
    ("United Kingdom", "England", "London", "EC1A 1BB", 51.51, -0.13, 4),
    ("Germany", "Berlin", "Berlin", "10115", 52.52, 13.40, 4),
    ("Spain", "Madrid", "Madrid", "28001", 40.42, -3.70, 3),
    ("Japan", "Tokyo", "Tokyo", "100-0001", 35.68, 139.69, 3),
    ("Australia", "New South Wales", "Sydney", "2000", -33.87, 151.21, 2),
    ("Belgium", "Brussels", "Brussels", "1000", 50.85, 4.35, 1),
    ("Poland", "Mazowieckie", "Warsaw", "00-001", 52.23, 21.01, 1),
    ("Colombia", "Bogotá", "Bogotá", "110111", 4.71, -74.07, 1),
    ("Austria", "Vienna", "Vienna", "1010", 48.21, 16.37, 1),
)
