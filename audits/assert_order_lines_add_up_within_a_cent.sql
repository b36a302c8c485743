AUDIT (
  name assert_order_lines_add_up_within_a_cent
);

/* Orders of a wide order table whose lines' amounts do not add up to the order's items_amount within a cent: amounts are compared with a tolerance, never as floats for equality. An order without lines (line_number 0) must have no items. */
SELECT
  order_key,
  MAX(items_amount) AS items_amount,
  SUM(COALESCE(line_amount, 0)) AS lines_amount
FROM @this_model
GROUP BY
  order_key
HAVING
  ABS(MAX(items_amount) - SUM(COALESCE(line_amount, 0))) > 0.01
