// Package court turns the ShotTracker /court response (four corners and two
// hoops, in the sensor frame, mm) into a validated transform into the
// canonical court frame (metres, origin at center court, +x toward the east
// baseline, +y toward the north sideline, z up), and knows the court
// templates, hoops, three-point lines and shot zones in that frame.
package court
