"""The page that spans the whole pipeline: the review home with every stage's counts."""
from django.shortcuts import render

from reviews.access import review_view
from reviews.selectors import members_for_review

from .pipeline import stages_for_review


@review_view(GET="read")
def review_home(request, review, membership):
    return render(request, "synthesis/review_home.html", {
        "review": review,
        "membership": membership,
        "stages": stages_for_review(review=review),
        "members": members_for_review(user=request.user, review_id=review.id),
    })
