// Package citytime is the city's calendar: days are days in Europe/Warsaw,
// whatever the clock of the machine says, so that "valid until the 14th" or
// "used on the 3rd" means the same day to a resident, a partner and a job
// running at 02:00.
package citytime

import (
	"time"
	// Lambda's provided.al2023 image has no zoneinfo: the zone is embedded.
	_ "time/tzdata"
)

// Zone is the city's time zone.
var Zone = mustLoad("Europe/Warsaw")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Day is the city's date of an instant, at midnight UTC so that dates compare
// and add as dates.
func Day(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today is Day as YYYY-MM-DD.
func Today(t time.Time) string { return Day(t).Format(time.DateOnly) }

// ParseDay reads YYYY-MM-DD as a Day.
func ParseDay(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }

// Start is the instant the city's day begins (midnight in Warsaw), in UTC.
func Start(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, Zone).UTC()
}

// Age is a person's age in full years on a day, from the birth date.
func Age(birth, on time.Time) int {
	age := on.Year() - birth.Year()
	if on.Month() < birth.Month() || (on.Month() == birth.Month() && on.Day() < birth.Day()) {
		age--
	}
	return age
}
