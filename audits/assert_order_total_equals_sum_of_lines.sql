AUDIT (
  name assert_order_total_equals_sum_of_lines
);

/* Orders whose total is not items - discount + shipping + tax + other charges, or whose items_amount, line_count or item_quantity differ from their lines in marts.order_lines. */
WITH line_totals AS (
  SELECT
    order_key,
    COUNT(*) AS line_count,
    SUM(quantity) AS item_quantity,
    SUM(line_amount) AS items_amount
  FROM marts.order_lines
  GROUP BY
    order_key
), orders AS (
  SELECT
    order_key,
    line_count,
    item_quantity,
    items_amount,
    discount_amount,
    shipping_amount,
    tax_amount,
    other_charges_amount,
    order_total,
    items_amount - discount_amount + shipping_amount + tax_amount + other_charges_amount AS expected_total
  FROM @this_model
)
SELECT
  orders.order_key,
  orders.items_amount,
  orders.discount_amount,
  orders.shipping_amount,
  orders.tax_amount,
  orders.other_charges_amount,
  orders.order_total,
  line_totals.items_amount AS lines_items_amount
FROM orders
LEFT JOIN line_totals
  ON orders.order_key = line_totals.order_key
WHERE
  orders.order_total <> orders.expected_total
  OR orders.items_amount <> COALESCE(line_totals.items_amount, 0)
  OR orders.line_count <> COALESCE(line_totals.line_count, 0)
  OR orders.item_quantity <> COALESCE(line_totals.item_quantity, 0)
