AUDIT (
  name assert_movement_sign_matches_reason
);

/* Stock movements whose change contradicts their reason: a restock or a return adds units, a sale or damage takes them away, and a movement of no units is none. Any size is valid: ±100 is a movement like any other (the range check beside it only warns). */
SELECT
  movement_key,
  reason,
  quantity_change
FROM @this_model
WHERE
  quantity_change = 0
  OR (
    reason IN ('restock', 'return') AND quantity_change < 0
  )
  OR (
    reason IN ('sale', 'damage') AND quantity_change > 0
  )
