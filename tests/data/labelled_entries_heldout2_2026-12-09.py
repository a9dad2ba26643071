#!/usr/bin/env python3
# Generates tests/data/labelled_entries_heldout2_2026-12-09.json, the fourth
# held-out set, written before the parser and resolver changes that followed
# the 2026-12-08 set's misses, and never tuned on. Run from the repo root:
#   python3 tests/data/labelled_entries_heldout2_2026-12-09.py tests/data/labelled_entries_heldout2_2026-12-09.json
#
# Same method as labelled_entries_heldout_2026-12-08.py: each meal food names
# the USDA food meant by its exact name in the bundled data
# (data/foods/usda_sr24.jsonl.gz or usda_fndds.jsonl.gz) and the grams of the
# portion meant (a USDA household measure, the stated amount, or a stated
# typical portion); its kcal per 100 g is read from that file here, never
# typed by hand and never taken from the parser. The entry's calorie range is
# the sum ±30 %, at least ±40 kcal.
import sys

from labelled_sets import E, f, meal, other, write

EGG = "Egg, whole, raw, fresh"
TOAST = "Bread, white, commercially prepared, toasted"
MILK2 = "Milk, reduced fat, fluid, 2% milkfat, with added vitamin A and vitamin D"
MILKW = "Milk, whole, 3.25% milkfat, with added vitamin D"
COFFEE = "Coffee, brewed from grounds, prepared with tap water"
TEA = "Tea, black, brewed, prepared with tap water"
RICE = "Rice, white, long-grain, regular, cooked"
BANANA = "Bananas, raw"
PB = "Peanut butter, smooth style, with salt"

EGG = "Egg, whole, raw, fresh"
TOAST = "Bread, white, commercially prepared, toasted"
MILK2 = "Milk, reduced fat, fluid, 2% milkfat, with added vitamin A and vitamin D"
COFFEE = "Coffee, brewed from grounds, prepared with tap water"
TEA = "Tea, black, brewed, prepared with tap water"
RICE = "Rice, white, long-grain, regular, cooked"
BANANA = "Bananas, raw"
PB = "Peanut butter, smooth style, with salt"
DIET_COLA = "Soft drink, cola, diet"
CRISPS = "Snacks, potato chips, plain, salted"
FRIES = "McDONALD'S, French Fries"

# Drinks: diet and zero forms, energy drinks, coffee-shop drinks, alcohol.
meal("coke zero", 13, [f("coke zero", DIET_COLA, 355, "12 fl oz can")], "lunch")
meal("pepsi max and a ham sandwich", 13, [f("pepsi max", DIET_COLA, 330, "UK 330 ml can"), f("ham sandwich", "Ham sandwich on white", 150, "1 sandwich (2 slices, 2 oz ham)")], "lunch")
meal("can of sprite", 15, [f("sprite", "Carbonated beverage, SPRITE, lemon-lime, without caffeine", 369, "12 fl oz can")], "snack")
meal("sugar free red bull", 9, [f("red bull", "Energy drink, RED BULL, sugar free, with added caffeine, niacin, pantothenic acid, vitamins B6 and B12", 250, "8.3 fl oz can")], "breakfast")
meal("iced latte", 9, [f("iced latte", "Coffee, Iced Latte", 473, "16 fl oz cup")], "breakfast")
meal("cappuccino and a croissant", 8, [f("cappuccino", "Coffee, Cappuccino", 240, "8 fl oz cup"), f("croissant", "Croissants, butter", 57, "1 medium")], "breakfast")
meal("mug of hot choc", 16, [f("hot choc", "Hot chocolate / cocoa, NFS", 250, "a mug, 8 fl oz")], "snack")
meal("mango smoothie", 10, [f("mango smoothie", "Fruit smoothie, NFS", 473, "16 fl oz")], "breakfast")
meal("protein shake w almond milk", 7, [f("protein shake", "Nutritional powder mix, whey based, NFS", 30, "1 scoop (30 g)"), f("almond milk", "Almond milk, unsweetened", 240, "1 cup")], "breakfast")
meal("2 bud lights", 20, [f("bud lights", "Alcoholic beverage, beer, light, BUD LIGHT", 708, "2 cans of 12 fl oz")], "dinner")
meal("glass of red", 20, [f("red", "Alcoholic beverage, wine, table, red", 175, "UK medium glass 175 ml")], "dinner")
meal("2 vodka sodas", 22, [f("vodka sodas", "Vodka and soda", 340, "2 highballs of 1.5 fl oz vodka + 4 fl oz soda")], "dinner")
meal("g&t", 21, [f("g&t", "Gin and tonic", 200, "1 drink: 1.5 fl oz gin, 5 fl oz tonic")], "dinner")
meal("bottle of kombucha", 15, [f("kombucha", "Tea, kombucha", 473, "16 fl oz bottle")], "snack")
meal("cup of tea w milk and 2 sugars", 10, [f("tea", TEA, 240, "1 cup"), f("milk", MILK2, 30, "a splash"), f("sugars", "Sugars, granulated", 8.4, "2 tsp")], "breakfast")
meal("coffee w oat milk and a banana", 8, [f("coffee", COFFEE, 240, "1 cup"), f("oat milk", "Oat milk", 30, "a splash"), f("banana", BANANA, 118, "1 medium")], "breakfast")
meal("pint of lager", 20, [f("lager", "Alcoholic beverage, beer, regular, all", 568, "1 UK pint")], "dinner")
# Fast food and takeaway.
meal("big mac and medium fries", 13, [f("big mac", "McDONALD'S, BIG MAC", 219, "1 item"), f("fries", FRIES, 117, "medium")], "lunch")
meal("oreo mcflurry", 21, [f("oreo mcflurry", "McDONALD'S, McFLURRY with OREO cookies", 337, "regular 12 fl oz cup")], "dinner")
meal("mcdonalds cheeseburger + small fries", 12, [f("mcdonalds cheeseburger", "McDONALD'S, Cheeseburger", 119, "1 item"), f("fries", FRIES, 71, "small")], "lunch")
meal("6 chicken nuggets", 13, [f("chicken nuggets", "Chicken nuggets, NFS", 120, "6 pieces of 20 g")], "lunch")
meal("6 wings w ranch", 19, [f("wings", "Chicken, broilers or fryers, wing, meat and skin, cooked, fried, flour", 192, "6 wings, bone removed, 32 g each"), f("ranch", "Ranch dressing", 30, "2 tbsp")], "dinner")
meal("chicken burrito", 13, [f("chicken burrito", "Burrito, chicken, cheese", 300, "a restaurant burrito (about 10.5 oz)")], "lunch")
meal("chicken fried rice", 19, [f("chicken fried rice", "Rice, fried, with chicken", 280, "a takeaway box, 2 cups")], "dinner")
meal("california roll 8 pcs", 13, [f("california roll", "Sushi roll, California", 220, "8 pieces of about 27 g")], "lunch")
meal("bowl of ramen", 19, [f("ramen", "Ramen bowl, NFS", 550, "a restaurant bowl with broth")], "dinner")
meal("chicken korma w naan", 19, [f("chicken korma", "Chicken curry", 300, "a takeaway portion (nearest USDA food)"), f("naan", "Bread, naan", 90, "1 naan")], "dinner")
meal("2 hot dogs", 18, [f("hot dogs", "Fast foods, hotdog, plain", 196, "2 sandwiches of 98 g")], "dinner")
meal("3 slices of cheese pizza", 19, [f("cheese pizza", "Fast Food, Pizza Chain, 14\" pizza, cheese topping, regular crust", 321, "3 slices of 107 g")], "dinner")
meal("general tsos chicken", 19, [f("general tsos chicken", "Restaurant, Chinese, general tso's chicken", 300, "about 2 cups, a little over half an order")], "dinner")
# Snacks, sweets, UK brands.
meal("2 hobnobs", 16, [f("hobnobs", "Cookies, oatmeal, commercially prepared, regular", 30, "2 biscuits of 15 g")], "snack")
meal("packet of walkers", 15, [f("walkers", CRISPS, 32.5, "UK 32.5 g bag")], "snack")
meal("dairy milk bar", 16, [f("dairy milk bar", "Candies, milk chocolate", 45, "UK 45 g bar")], "snack")
meal("scone w jam and butter", 16, [f("scone", "Scone", 70, "1 UK scone, about 70 g"), f("jam", "Jams and preserves", 20, "1 tbsp"), f("butter", "Butter, salted", 10, "2 tsp")], "snack")
meal("handful of grapes", 15, [f("grapes", "Grapes, red or green (European type, such as Thompson seedless), raw", 80, "a handful (80 g, the NHS fruit portion)")], "snack")
meal("cherries", 16, [f("cherries", "Cherries, sweet, raw", 138, "1 cup with pits")], "snack")
meal("raspberries and greek yog", 10, [f("raspberries", "Raspberries, raw", 123, "1 cup"), f("greek yog", "Yogurt, Greek, NS as to type of milk, plain", 170, "6 oz container")], "breakfast")
meal("baby carrots and hummus", 15, [f("baby carrots", "Carrots, baby, raw", 85, "1 NLEA serving"), f("hummus", "Hummus, commercial", 30, "2 tbsp")], "snack")
meal("cottage cheese w pineapple", 15, [f("cottage cheese", "Cheese, cottage, lowfat, 2% milkfat", 113, "1/2 cup"), f("pineapple", "Pineapple, raw, all varieties", 82, "1/2 cup chunks")], "snack")
meal("2 string cheese", 15, [f("string cheese", "Cheese, mozzarella, part skim milk", 56, "2 sticks of 1 oz")], "snack")
meal("trail mix", 15, [f("trail mix", "Snacks, trail mix, regular", 42, "1.5 oz")], "snack")
meal("apple w pb", 15, [f("apple", "Apples, raw, with skin", 182, "1 medium"), f("pb", PB, 32, "2 tbsp")], "snack")
meal("slice of cheesecake", 20, [f("cheesecake", "Cheesecake commercially prepared", 80, "1 piece (1/6 of 17 oz cake)")], "dinner")
meal("2 scoops vanilla ice cream", 21, [f("vanilla ice cream", "Ice creams, vanilla", 132, "2 scoops of 1/2 cup")], "dinner")
meal("brownie", 16, [f("brownie", "Cookies, brownies, commercially prepared", 56, "1 large square")], "snack")
meal("blueberry muffin", 9, [f("blueberry muffin", "Muffins, blueberry, commercially prepared (Includes mini-muffins)", 113, "1 medium")], "breakfast")
# Home plates, US and UK.
meal("3 scrambled eggs and 2 rashers of bacon", 9, [f("scrambled eggs", "Egg, whole, cooked, scrambled", 183, "3 large"), f("bacon", "Pork, cured, bacon, cooked, pan-fried", 32, "2 UK back rashers, cooked")], "breakfast")
meal("2 fried eggs on toast", 9, [f("fried eggs", "Egg, whole, cooked, fried", 92, "2 large"), f("toast", TOAST, 27, "1 slice")], "breakfast")
meal("2 slices sourdough w avocado", 8, [f("sourdough", "Bread, french or vienna, toasted (includes sourdough)", 64, "2 medium slices"), f("avocado", "Avocados, raw, all commercial varieties", 68, "half a fruit")], "breakfast")
meal("cheese on toast", 12, [("cheese on toast", [("Cheese, cheddar", 40, "40 g grated cheddar"), (TOAST, 54, "2 slices")])], "lunch")
meal("bowl of frosties w semi skimmed", 7, [f("frosties", "Cereals ready-to-eat, KELLOGG, KELLOGG'S FROSTED FLAKES", 40, "a bowl, 40 g"), f("semi skimmed", MILK2, 150, "150 ml on cereal")], "breakfast")
meal("10oz ribeye", 19, [f("ribeye", "Beef, steak, ribeye, lean and fat eaten", 283.5, "10 oz")], "dinner")
meal("3 chicken thighs", 19, [f("chicken thighs", "Chicken, broilers or fryers, thigh, meat and skin, cooked, roasted", 186, "3 thighs, bone removed, about 62 g each")], "dinner")
meal("salmon fillet and 1 cup broccoli", 19, [f("salmon fillet", "Fish, salmon, Atlantic, farmed, cooked, dry heat", 178, "1/2 fillet (the USDA fillet measure)"), f("broccoli", "Broccoli, cooked, boiled, drained, without salt", 156, "1 cup chopped")], "dinner")
meal("shepherd's pie", 19, [f("shepherd's pie", "Shepherd's pie", 300, "a dinner portion, about 1.5 cups")], "dinner")
meal("spag bol", 19, [f("spag bol", "Spaghetti with meat sauce, frozen entree", 300, "a dinner plate, about 1.5 cups")], "dinner")
meal("mac n cheese", 19, [f("mac n cheese", "Macaroni or noodles with cheese", 200, "1 cup")], "dinner")
meal("turkey sandwich on rye", 13, [f("turkey sandwich on rye", "Turkey sandwich on wheat", 150, "1 sandwich (rye: nearest USDA sandwich)")], "lunch")
# Several meals in one entry.
meal("b: 2 eggs & toast, l: tuna sandwich, d: spag bol", 21, [f("eggs", EGG, 100, "2 large"), f("toast", TOAST, 27, "1 slice"), f("tuna sandwich", "Tuna salad sandwich on white", 150, "1 sandwich"), f("spag bol", "Spaghetti with meat sauce, frozen entree", 300, "a dinner plate")])
meal("brekkie porridge, lunch chicken sandwich and crisps, tea chicken curry w rice", 21, [f("porridge", "Oatmeal, NFS", 234, "a bowl, 1 cup"), f("chicken sandwich", "Chicken fillet sandwich, NFS", 182, "1 sandwich"), f("crisps", CRISPS, 32.5, "a 32.5 g bag"), f("chicken curry", "Chicken curry", 300, "a portion"), f("rice", RICE, 158, "1 cup")])
meal("coffee and a blueberry muffin at 10, big mac and fries for lunch", 14, [f("coffee", COFFEE, 240, "1 cup"), f("blueberry muffin", "Muffins, blueberry, commercially prepared (Includes mini-muffins)", 113, "1 medium"), f("big mac", "McDONALD'S, BIG MAC", 219, "1 item"), f("fries", FRIES, 117, "medium")])

# Workouts: sports and classes by name, distances, paces, sets, reps.
other("30 min on the bike trainer", 7, "workout", type="ride", duration_s=1800)
other("padel 1.5h", 19, "workout", type="sport", duration_s=5400)
other("5-a-side footy 1hr", 19, "workout", type="sport", duration_s=3600)
other("bouldering 90 min", 18, "workout", type="sport", duration_s=5400)
other("basketball 45 mins", 17, "workout", type="sport", duration_s=2700)
other("10k in 52:10", 8, "workout", type="run", distance_m=10000, duration_s=3130)
other("half marathon 1:58:20", 10, "workout", type="run", distance_m=21097, duration_s=7100)
other("ran 4 miles", 7, "workout", type="run", distance_m=6437)
other("swam 2km in 45 mins", 7, "workout", type="swim", distance_m=2000, duration_s=2700)
other("hiked 3 hrs", 11, "workout", type="hike", duration_s=10800)
other("row 5000m 21:30", 18, "workout", type="rowing", distance_m=5000, duration_s=1290)
other("bench press 4x8 80kg", 18, "workout", type="strength", sets=4, volume=2560)
other("100 squats", 7, "workout", type="strength", reps=100)
other("aerobics class 45 min", 18, "workout", type="cardio", duration_s=2700)
other("30 min yoga", 7, "workout", type="yoga", duration_s=1800)
other("rode 25 miles", 10, "workout", type="ride", distance_m=40234)
# Body.
other("72,3 kg", 7, "body_measurement", weight_kg=72.3)
other("12st 7lb this morning", 7, "body_measurement", weight_kg=79.38)
other("weight 165.4 lb", 7, "body_measurement", weight_kg=75.02)
other("bf 22%", 7, "body_measurement", body_fat=22.0)
other("waist 81 cm", 7, "body_measurement", waist_cm=81.0)
other("rhr 55 this am", 7, "body_measurement", resting_hr=55)
other("weighed 80,1kg after the gym", 19, "body_measurement", weight_kg=80.1)
other("14 stone", 7, "body_measurement", weight_kg=88.9)
# Several kinds.
other("ran 5k then had a protein shake", 8, "multiple", type="run", distance_m=5000)
other("weighed 70.5kg, then 30 min yoga", 7, "multiple", weight_kg=70.5)
other("squats 5x5 90kg, then chicken and rice", 19, "multiple", type="strength", sets=5, volume=2250)
# Notes.
other("rest day", 9, "unknown")
other("slept badly, feel rough", 8, "unknown")
other("stressed at work", 18, "unknown")

if __name__ == "__main__":
    write(sys.argv[1])
