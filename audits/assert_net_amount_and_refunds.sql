AUDIT (
  name assert_net_amount_and_refunds
);

/* Orders whose refund is negative or larger than what was charged (a wrong total with no refund is the total audit's concern), whose is_refunded does not say whether something was refunded, or whose net_amount is not order_total - refunded_amount (0 for a cancelled order). */
SELECT
  order_key,
  is_cancelled,
  is_refunded,
  order_total,
  refunded_amount,
  net_amount
FROM @this_model
WHERE
  refunded_amount < 0
  OR (
    refunded_amount > 0 AND refunded_amount > order_total
  )
  OR is_refunded <> (
    refunded_amount > 0
  )
  OR net_amount <> CASE WHEN is_cancelled THEN 0 ELSE order_total - refunded_amount END
  OR refunded_amount IS NULL
  OR net_amount IS NULL
