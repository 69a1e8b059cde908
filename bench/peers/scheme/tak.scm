;; tak: Takeuchi function (tak 18 12 6), repeated.  Args: REPEAT.
;; Prints the sum of the results (7 per call).
(define (tak x y z)
  (if (not (< y x))
      z
      (tak (tak (- x 1) y z)
           (tak (- y 1) z x)
           (tak (- z 1) x y))))

(define repeat (string->number (cadr (command-line))))
(define (run k acc)
  (if (= k 0)
      acc
      (run (- k 1) (+ acc (tak 18 12 6)))))
(display (run repeat 0))
(newline)
