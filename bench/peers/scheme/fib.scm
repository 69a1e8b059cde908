;; fib: naive doubly recursive Fibonacci.  Args: N.  Prints fib(N).
(define (fib n)
  (if (< n 2)
      n
      (+ (fib (- n 1)) (fib (- n 2)))))

(define n (string->number (cadr (command-line))))
(display (fib n))
(newline)
