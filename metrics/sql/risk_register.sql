-- The risk register: every risk with its latest scoring, ratings, review state and the objectives it threatens.
SELECT * FROM risk
