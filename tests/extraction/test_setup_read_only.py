"""The extraction and risk-of-bias setup pages show their settings as values, not as greyed
form controls, to members who cannot change them (issue #16)."""


def test_extraction_settings_read_as_values_for_a_reviewer(ex_team):
    t = ex_team
    page = t.client("reviewer").get(f"/reviews/{t.review.id}/extraction/setup/").content.decode()
    assert 'id="extraction-settings-readonly"' in page
    assert 'name="mode"' not in page and "disabled" not in page
    owner = t.client("owner").get(f"/reviews/{t.review.id}/extraction/setup/").content.decode()
    assert 'name="mode"' in owner and 'id="extraction-settings-readonly"' not in owner


def test_risk_of_bias_tools_read_as_marks_for_a_reviewer(ex_team):
    t = ex_team
    page = t.client("reviewer").get(
        f"/reviews/{t.review.id}/risk-of-bias/setup/").content.decode()
    assert 'name="tools"' not in page and "disabled" not in page
    owner = t.client("owner").get(f"/reviews/{t.review.id}/risk-of-bias/setup/").content.decode()
    assert 'name="tools"' in owner
