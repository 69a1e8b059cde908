;; vector: fill an N-element vector with 0..N-1, then sum it.  Args: N.
;; Prints the sum.
(define (run n)
  (let ((v (make-vector n 0)))
    (let fill ((i 0))
      (if (< i n)
          (begin
            (vector-set! v i i)
            (fill (+ i 1)))))
    (let sum ((i 0) (s 0))
      (if (< i n)
          (sum (+ i 1) (+ s (vector-ref v i)))
          s))))

(display (run (string->number (cadr (command-line)))))
(newline)
