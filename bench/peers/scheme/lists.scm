;; lists: cons an N-element list, reverse it, sum it; repeated.  Args: N REPEAT.
;; Prints the total of the sums.
(define (build n)
  (let loop ((i 0) (acc '()))
    (if (= i n)
        acc
        (loop (+ i 1) (cons i acc)))))

(define (sum lst)
  (let loop ((l lst) (s 0))
    (if (null? l)
        s
        (loop (cdr l) (+ s (car l))))))

(define args (cdr (command-line)))
(define n (string->number (car args)))
(define repeat (string->number (cadr args)))
(define (run k total)
  (if (= k 0)
      total
      (run (- k 1) (+ total (sum (reverse (build n)))))))
(display (run repeat 0))
(newline)
