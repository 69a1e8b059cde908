;; Forms spliced into tests/lang/evaluation/include.eta.
(define included-value 'from-include)
(define (included-square x) (* x x))
