;; deriv: Gabriel's symbolic derivative benchmark, repeated.  Args: REPEAT.
;; Prints (write) the derivative of the last round.
(define (deriv a)
  (cond ((not (pair? a))
         (if (eq? a 'x) 1 0))
        ((eq? (car a) '+)
         (cons '+ (map deriv (cdr a))))
        ((eq? (car a) '-)
         (cons '- (map deriv (cdr a))))
        ((eq? (car a) '*)
         (list '* a (cons '+ (map (lambda (a) (list '/ (deriv a) a)) (cdr a)))))
        ((eq? (car a) '/)
         (list '-
               (list '/ (deriv (cadr a)) (caddr a))
               (list '/ (cadr a) (list '* (caddr a) (caddr a) (deriv (caddr a))))))
        (else (error "no derivation method for" (car a)))))

(define expr '(+ (* 3 x x) (* a x x) (* b x) 5))
(define repeat (string->number (cadr (command-line))))
(define (run k last)
  (if (= k 0)
      last
      (run (- k 1) (deriv expr))))
(write (run repeat #f))
(newline)
